// Reads V8 CPU profiles (node --cpu-prof) and cuts them into the bench's phases. A profile's timestamps are
// CLOCK_MONOTONIC microseconds, the clock PhaseSampler records each phase's window in (phase.monoUs), so the
// samples of one phase can be picked out of a whole run's profile.
import { readFileSync } from 'node:fs';

// Where a function lives: a package, a Node internal, our bundle, or a V8 pseudo-frame like (garbage collector).
export function area(url, fn) {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return url.split('/')[0].replace(/^node:internal.*/, 'node:internal');
  if (url.includes('/dist/apps/')) return 'our code (dist)';
  return url;
}

export function frameName(cf) {
  const where = cf.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/');
  return `${cf.functionName || '(anonymous)'} ${where}:${cf.lineNumber + 1}`;
}

export function loadProfile(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  profile.byId = new Map(profile.nodes.map((n) => [n.id, n]));
  return profile;
}

// Self time per node id (µs) of the samples inside any of the windows ([fromUs, toUs] on the profile's clock);
// no windows = the whole profile. "(idle)" is the event loop waiting: not CPU, left out.
export function selfTime(profile, windows) {
  const self = new Map();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (windows && !windows.some(([from, to]) => at >= from && at <= to)) continue;
    const id = profile.samples[i];
    if (profile.byId.get(id).callFrame.functionName === '(idle)') continue;
    self.set(id, (self.get(id) ?? 0) + delta);
  }
  return self;
}

// { totalUs, areas: [[area, µs]…], functions: [[frame, µs]…] }, both sorted, heaviest first.
export function summarize(profile, windows) {
  const self = selfTime(profile, windows);
  const areas = new Map();
  const fns = new Map();
  let totalUs = 0;
  for (const [id, us] of self) {
    const { callFrame: cf } = profile.byId.get(id);
    totalUs += us;
    const a = area(cf.url, cf.functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
    const f = frameName(cf);
    fns.set(f, (fns.get(f) ?? 0) + us);
  }
  const sorted = (m) => [...m].sort((x, y) => y[1] - x[1]);
  return { totalUs, areas: sorted(areas), functions: sorted(fns) };
}
