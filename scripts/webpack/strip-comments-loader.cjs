// Rewrites a vendored module without its comments and its inline source map, as ASCII, leaving the code as it is
// (no compression, no renaming). Used for the `plaid` SDK: its generated dist/api.js is 9.7 MB, mostly JSDoc and
// a base64 source map, and holds a few non-Latin-1 characters, so V8 kept it as a 19 MB two-byte string plus a
// 7 MB copy of the source-map comment in every service that calls Plaid (heap snapshot, docs/PERFORMANCE.md).
const { minify } = require('terser');

module.exports = function stripCommentsLoader(source) {
  const done = this.async();
  minify(source, {
    compress: false,
    mangle: false,
    sourceMap: false,
    format: { comments: false, ascii_only: true },
  }).then(
    (out) => done(null, out.code),
    (err) => done(err),
  );
};
