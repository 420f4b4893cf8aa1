#!/usr/bin/env node
// Summarizes a V8 .cpuprofile (node --cpu-prof; `node bench/run.mjs --profile sync-worker` writes them to
// bench/results/profiles/): self time by package/area and the top functions. usage: node bench/profile-summary.mjs FILE [top]
// [regexp]; PROFILE_FROM_S=22 PROFILE_TO_S=80 keeps only the samples of that window (seconds after start).
import { readFileSync } from 'node:fs';

const [file, topArg, callersOf] = process.argv.slice(2);
if (!file) {
  process.stderr.write(
    'usage: node bench/profile-summary.mjs FILE.cpuprofile [top=25] [regexp: show who calls matching functions]\n',
  );
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
// PROFILE_FROM_S / PROFILE_TO_S: only samples taken that many seconds after the profile started (one phase).
const fromUs = Number(process.env.PROFILE_FROM_S ?? 0) * 1e6;
const toUs = Number(process.env.PROFILE_TO_S ?? Infinity) * 1e6;
const self = new Map();
let at = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  at += profile.timeDeltas[i] ?? 0;
  if (at < fromUs || at > toUs) continue;
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);

function area(url, fn) {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return url.split('/')[0].replace(/^node:internal.*/, 'node:internal');
  if (url.includes('/dist/apps/')) return 'our code (dist)';
  return url;
}

const areas = new Map();
const fns = new Map();
for (const [id, us] of self) {
  const { callFrame: cf } = byId.get(id);
  const a = area(cf.url, cf.functionName);
  areas.set(a, (areas.get(a) ?? 0) + us);
  const key = `${cf.functionName || '(anonymous)'} ${cf.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${cf.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
}
const print = (title, map) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(
      `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}\n`,
    );
  }
};
process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n`);
print('self time by area', areas);
print('self time by function', fns);

if (callersOf) {
  const re = new RegExp(callersOf);
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const chains = new Map();
  const frame = (f) =>
    `${f.functionName || '(anonymous)'}@${f.url.replace(/.*node_modules\//, '').replace(/.*dist\//, 'dist/')}:${f.lineNumber + 1}`;
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!re.test(`${n.callFrame.functionName} ${n.callFrame.url}`)) continue;
    const chain = [];
    for (let x = parent.get(id); x && chain.length < 12; x = parent.get(x))
      chain.push(frame(byId.get(x).callFrame));
    const key = `${frame(n.callFrame)}\n    <- ${chain.join('\n    <- ')}`;
    chains.set(key, (chains.get(key) ?? 0) + us);
  }
  process.stdout.write(`\ncall chains into /${callersOf}/\n`);
  for (const [k, us] of [...chains].sort((a, b) => b[1] - a[1]).slice(0, 5)) {
    process.stdout.write(`${(us / 1000).toFixed(0)} ms  ${k}\n\n`);
  }
}
