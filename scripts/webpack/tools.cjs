// Command-line tools built next to the apps: dist/tools/<tool>/main.js from scripts/<tool>/main.ts. Same
// loaders and path aliases as the apps; every package (the Plaid SDK too) stays external, since tools start
// rarely and a bundled SDK would only slow the build.
const path = require('node:path');
const nodeExternals = require('webpack-node-externals');
const { configFor } = require('../../webpack.config.js');

const ROOT = path.join(__dirname, '..', '..');
const TOOLS = ['tokens-reencrypt'];

function toolConfigFor(tool) {
  const app = configFor('gateway');
  return {
    ...app,
    name: tool,
    entry: path.join(ROOT, 'scripts', tool, 'main.ts'),
    output: { path: path.join(ROOT, 'dist', 'tools', tool), filename: 'main.js', clean: true },
    externals: [nodeExternals()],
    module: { rules: [app.module.rules[0]] },
  };
}

// The statements the bench's ceilings run (bench/exports.ts), as a CommonJS module the plain-ESM bench imports:
// dist/bench/exports.cjs. Packages stay external (the bench has node_modules).
function benchExportsConfig() {
  const app = configFor('sync-worker');
  return {
    ...app,
    name: 'bench-exports',
    devtool: false,
    entry: path.join(ROOT, 'bench', 'exports.ts'),
    output: {
      path: path.join(ROOT, 'dist', 'bench'),
      filename: 'exports.cjs',
      library: { type: 'commonjs2' },
      clean: true,
    },
    externals: [nodeExternals()],
    module: { rules: [app.module.rules[0]] },
  };
}

module.exports = { TOOLS, toolConfigFor, benchExportsConfig };
