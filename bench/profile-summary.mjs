#!/usr/bin/env node
// Summarizes a V8 .cpuprofile (node --cpu-prof; `node bench/run.mjs --profile sync-worker` writes them to
// bench/results/profiles/ and puts a per-phase table in the report): self time by package/area and the top
// functions. usage: node bench/profile-summary.mjs FILE [top] [regexp]; PROFILE_FROM_S=22 PROFILE_TO_S=80 keeps
// only the samples of that window (seconds after the profile started).
import { frameName, loadProfile, summarize } from './lib/profiles.mjs';

const [file, topArg, callersOf] = process.argv.slice(2);
if (!file) {
  process.stderr.write(
    'usage: node bench/profile-summary.mjs FILE.cpuprofile [top=25] [regexp: show who calls matching functions]\n',
  );
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = loadProfile(file);
const fromUs = profile.startTime + Number(process.env.PROFILE_FROM_S ?? 0) * 1e6;
const toUs = profile.startTime + Number(process.env.PROFILE_TO_S ?? Infinity) * 1e6;
const { totalUs, areas, functions } = summarize(profile, [[fromUs, toUs]]);

const print = (title, rows) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, us] of rows.slice(0, top)) {
    process.stdout.write(
      `${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}\n`,
    );
  }
};
process.stdout.write(`${file}: ${(totalUs / 1e6).toFixed(1)} s of CPU sampled (idle left out)\n`);
print('self time by area', areas);
print('self time by function', functions);

if (callersOf) {
  const re = new RegExp(callersOf);
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const chains = new Map();
  const frame = (f) => frameName(f).replace(' ', '@');
  let at = profile.startTime;
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < fromUs || at > toUs) continue;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  for (const [id, us] of self) {
    const n = profile.byId.get(id);
    if (!re.test(`${n.callFrame.functionName} ${n.callFrame.url}`)) continue;
    const chain = [];
    for (let x = parent.get(id); x && chain.length < 12; x = parent.get(x))
      chain.push(frame(profile.byId.get(x).callFrame));
    const key = `${frame(n.callFrame)}\n    <- ${chain.join('\n    <- ')}`;
    chains.set(key, (chains.get(key) ?? 0) + us);
  }
  process.stdout.write(`\ncall chains into /${callersOf}/\n`);
  for (const [k, us] of [...chains].sort((a, b) => b[1] - a[1]).slice(0, 5)) {
    process.stdout.write(`${(us / 1000).toFixed(0)} ms  ${k}\n\n`);
  }
}
