// Builds every app (or the ones named) in one webpack run: dist/apps/<app>/main.js.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const webpack = require('webpack');
const { APPS, configFor } = require('../webpack.config.js');
const { TOOLS, benchExportsConfig, toolConfigFor } = require('./webpack/tools.cjs');

const wanted = process.argv.slice(2);
const apps = wanted.length > 0 ? wanted : APPS;
const unknown = apps.filter((a) => !APPS.includes(a));
if (unknown.length > 0) {
  process.stderr.write(`unknown app(s): ${unknown.join(', ')}; known: ${APPS.join(', ')}\n`);
  process.exit(2);
}

// A full build also builds the command-line tools (dist/tools) and the bench's statements (dist/bench).
const tools = wanted.length > 0 ? [] : TOOLS;
const bench = wanted.length > 0 ? [] : [benchExportsConfig()];
webpack([...apps.map(configFor), ...tools.map(toolConfigFor), ...bench], (err, stats) => {
  if (err) {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exit(1);
  }
  const text = stats.toString({ colors: false, preset: 'errors-warnings' });
  if (text.trim()) process.stdout.write(`${text}\n`);
  if (stats.hasErrors()) process.exit(1);
  process.stdout.write(
    `built ${apps.join(', ')} into dist/apps${tools.length > 0 ? `, ${tools.join(', ')} into dist/tools, bench/exports.ts into dist/bench` : ''}\n`,
  );
});
