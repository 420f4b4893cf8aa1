// Builds the web app (apps/web) into dist/web with Vite, then measures what the first page load costs: the
// gzipped JavaScript index.html loads (entry and modulepreloads). Over the budget, the build fails.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const BUDGET_BYTES = 200 * 1024;
const root = join(import.meta.dirname, '..');
const outDir = join(root, 'dist', 'web');

await build({ configFile: join(root, 'apps', 'web', 'vite.config.mjs'), logLevel: 'warn' });

const html = readFileSync(join(outDir, 'index.html'), 'utf8');
const scripts = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map(
  (m) => m[1],
);
const gzipped = scripts.reduce(
  (sum, file) => sum + gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length,
  0,
);
const kb = (gzipped / 1024).toFixed(1);
process.stdout.write(
  `built web into dist/web: initial route ${kb} KB gzipped JavaScript (${scripts.length} file(s), budget 200 KB)\n`,
);
if (gzipped > BUDGET_BYTES) {
  process.stderr.write(`web: the initial route's JavaScript (${kb} KB gzipped) is over the 200 KB budget\n`);
  process.exit(1);
}
