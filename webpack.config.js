// One webpack config for every app: TypeScript is transpiled by ts-loader (type checking is `npm run check`),
// node_modules stay external and are loaded by Node at run time, except the `plaid` SDK: it is bundled without
// its comments and inline source map (scripts/webpack/strip-comments-loader.cjs), which saves ~27 MB of heap in
// each service that calls Plaid.
const path = require('node:path');
const nodeExternals = require('webpack-node-externals');
const { TsconfigPathsPlugin } = require('tsconfig-paths-webpack-plugin');

const APPS = ['gateway', 'auth', 'plaid-link', 'sync-worker', 'plaid-sandbox'];

function configFor(app) {
  return {
    name: app,
    target: 'node',
    mode: 'none',
    devtool: 'source-map',
    entry: path.join(__dirname, 'apps', app, 'src', 'main.ts'),
    output: { path: path.join(__dirname, 'dist', 'apps', app), filename: 'main.js', clean: true },
    externals: [nodeExternals({ allowlist: [/^plaid(\/|$)/] })],
    externalsPresets: { node: true },
    resolve: {
      extensions: ['.ts', '.js'],
      plugins: [new TsconfigPathsPlugin({ configFile: path.join(__dirname, 'tsconfig.build.json') })],
    },
    module: {
      rules: [
        {
          test: /\.ts$/,
          exclude: /node_modules/,
          use: { loader: 'ts-loader', options: { transpileOnly: true, configFile: 'tsconfig.build.json' } },
        },
        {
          test: /node_modules[\\/]plaid[\\/]dist[\\/].*\.js$/,
          use: { loader: path.join(__dirname, 'scripts', 'webpack', 'strip-comments-loader.cjs') },
        },
      ],
    },
    optimization: { nodeEnv: false, minimize: false },
    node: { __dirname: false, __filename: false },
    stats: 'errors-warnings',
  };
}

// `nest build <app>` passes its own options; we only keep the entry's app name from them.
module.exports = (options) => {
  if (options && options.entry) {
    const entry = String(options.entry);
    const app = APPS.find(
      (a) => entry.includes(`apps/${a}/`) || entry.includes(`apps${path.sep}${a}${path.sep}`),
    );
    if (app) return configFor(app);
  }
  return APPS.map(configFor);
};
module.exports.APPS = APPS;
module.exports.configFor = configFor;
