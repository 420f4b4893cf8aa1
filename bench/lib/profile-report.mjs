// "Where each millisecond goes": with --profile, each profiled service's CPU profile is cut into the bench's
// phases (PhaseSampler windows) and divided by what the phase served (requests, webhooks, 1,000 ingested rows),
// next to Postgres's and RabbitMQ's CPU in the same windows from /proc (the CPU table's numbers per unit).
import { existsSync } from 'node:fs';
import { loadProfile, summarize } from './profiles.mjs';

const TOP = 4;

// [name, phase, units, unit] of one side's results, in the report's order.
function phasesOf(r) {
  const out = [];
  if (r.ingest) out.push(['sync ingest', r.ingest.phase, r.ingest.rows / 1000, '1,000 tx']);
  for (const s of r.read ?? []) out.push([`read ${s.name}`, s.system.phase, s.system.ok, 'request']);
  if (r.readOpenLoop) {
    const o = r.readOpenLoop;
    out.push([`read open loop ${o.rate}/s`, o.system.phase, o.system.ok, 'request']);
  }
  for (const s of r.readInsights?.scenarios ?? [])
    out.push([`read ${s.name}`, s.system.phase, s.system.ok, 'request']);
  for (const v of r.webhooks?.variants ?? []) {
    out.push([`webhooks, ${v.name} (intake + drain)`, v.phase, v.intake.ok, 'webhook']);
  }
  return out;
}

// Rows: { side, phase, unit, units, services: { name: { ms, procMs, areas, functions } }, postgresMs, rabbitmqMs }.
// An --ab run sums each phase over its rounds.
export function profileTable(results) {
  const sides = results.ab
    ? Object.keys(results.profiles).map((key) => [key, results.ab.rounds.map((round) => round[key])])
    : [['A', [results]]];
  const rows = [];
  for (const [side, rounds] of sides) {
    const files = results.profiles[side] ?? {};
    const profiles = Object.fromEntries(
      Object.entries(files)
        .filter(([, file]) => existsSync(file))
        .map(([service, file]) => [service, loadProfile(file)]),
    );
    const byPhase = new Map();
    for (const r of rounds) {
      for (const [name, phase, units, unit] of phasesOf(r)) {
        const acc = byPhase.get(name) ?? { unit, units: 0, windows: [], cpu: {} };
        acc.units += units;
        if (phase?.monoUs) acc.windows.push(phase.monoUs);
        for (const [proc, seconds] of Object.entries(phase?.cpuSeconds ?? {})) {
          acc.cpu[proc] = (acc.cpu[proc] ?? 0) + (seconds ?? 0);
        }
        byPhase.set(name, acc);
      }
    }
    for (const [phase, acc] of byPhase) {
      if (!acc.units || acc.windows.length === 0) continue;
      const services = {};
      for (const [service, profile] of Object.entries(profiles)) {
        const { totalUs, areas, functions } = summarize(profile, acc.windows);
        // The service's CPU from /proc, split by the profile's shares: a profile sample also lands on a thread
        // that was runnable but not running (a busy box), so the profile's own milliseconds overstate CPU.
        const procMs = ((acc.cpu[service] ?? 0) * 1000) / acc.units;
        const profileMs = totalUs / 1000 / acc.units;
        const share = (us) => (totalUs > 0 ? (procMs * us) / totalUs : 0);
        services[service] = {
          ms: procMs,
          profileMs,
          areas: areas.slice(0, TOP).map(([k, us]) => [k, share(us)]),
          functions: functions.slice(0, TOP).map(([k, us]) => [k, share(us)]),
        };
      }
      rows.push({
        side,
        phase,
        unit: acc.unit,
        units: acc.units,
        services,
        postgresMs: Math.max(0, ((acc.cpu.postgres ?? 0) * 1000) / acc.units),
        rabbitmqMs: Math.max(0, ((acc.cpu.rabbitmq ?? 0) * 1000) / acc.units),
      });
    }
  }
  return rows;
}

const f2 = (v) => (v === null || v === undefined ? '—' : v.toFixed(v < 1 ? 3 : 2));

export function renderProfileTable(rows, ab) {
  if (!rows?.length) return [];
  const services = [...new Set(rows.flatMap((r) => Object.keys(r.services)))];
  const out = [];
  out.push('### Where each millisecond goes (CPU per unit served, from the CPU profiles)');
  out.push('');
  out.push(
    "Each profiled service ran with `--cpu-prof`. Per phase and unit served: the service's CPU from /proc " +
      "(the CPU table's number divided by the units), split over modules by the share of the profile's samples " +
      "inside the phase's window (idle left out; the profile's own milliseconds, in brackets, also count time a " +
      'runnable thread waited for a core, so they exceed the CPU on a busy box). Postgres and RabbitMQ: their ' +
      '/proc CPU in the same windows — shared servers, so other clients of them on the box count too. Webhook ' +
      'phases include draining the consumer. Profiling slows the profiled services: compare shares, and compare ' +
      'absolute numbers with an unprofiled run.',
  );
  out.push('');
  const header = [
    'phase',
    ...(ab ? ['side'] : []),
    'per',
    ...services.map((s) => `${s} ms (top modules)`),
    'postgres ms',
    'rabbitmq ms',
  ];
  const line = (cells) => `| ${cells.join(' | ')} |`;
  out.push(line(header));
  out.push(line(header.map(() => '---')));
  for (const r of rows) {
    out.push(
      line([
        r.phase,
        ...(ab ? [r.side] : []),
        r.unit,
        ...services.map((s) => {
          const x = r.services[s];
          if (!x) return '—';
          const areas = x.areas.map(([k, ms]) => `${k} ${f2(ms)}`).join(', ');
          return `**${f2(x.ms)}** (${f2(x.profileMs)}): ${areas}`;
        }),
        f2(r.postgresMs),
        f2(r.rabbitmqMs),
      ]),
    );
  }
  out.push('');
  out.push('<details><summary>top functions per phase and service (self ms per unit)</summary>');
  out.push('');
  for (const r of rows) {
    for (const [s, x] of Object.entries(r.services)) {
      out.push(
        `- ${r.phase}${ab ? ` [${r.side}]` : ''}, ${s}: ${x.functions.map(([k, ms]) => `\`${k}\` ${f2(ms)}`).join('; ')}`,
      );
    }
  }
  out.push('</details>');
  out.push('');
  return out;
}
