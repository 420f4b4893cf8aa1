// Per-process RSS (VmRSS) and CPU time from /proc, and the machine's busy time, so each phase can say how much
// CPU the system under test used and how much went to everything else on the box (other engineers' tests).
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

export function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 (1-based); after the comm they are at index 11 and 12.
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return null;
  }
}

// CPU seconds of every process with this command name, including the children they have reaped (a Postgres
// backend that exited is counted in the postmaster's cutime/cstime).
function groupCpuSeconds(comm) {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== comm) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS;
    } catch {
      // the process exited while we read
    }
  }
  return total;
}

// The shared servers the system runs on; on a box of its own they serve only the bench.
const INFRA = { postgres: 'postgres', rabbitmq: 'beam.smp' };

export function monotonicMicros() {
  return Number(process.hrtime.bigint() / 1000n);
}

export function machineBusySeconds() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line;
  return { busy: (user + nice + system + irq + softirq + steal) / TICKS, idle: (idle + iowait) / TICKS };
}

// Samples every `intervalMs` until stop(): max RSS per process, CPU seconds per process, machine busy time.
export class PhaseSampler {
  constructor(pids, intervalMs = 250) {
    this.pids = pids; // { name: pid }
    this.maxRss = {};
    this.cpu0 = {};
    for (const [name, pid] of Object.entries(pids)) this.cpu0[name] = cpuSeconds(pid);
    for (const [name, comm] of Object.entries(INFRA)) this.cpu0[name] = groupCpuSeconds(comm);
    this.machine0 = machineBusySeconds();
    this.t0 = performance.now();
    // CLOCK_MONOTONIC in µs, the clock of V8's profile timestamps: a --cpu-prof profile can be cut to this phase.
    this.mono0 = monotonicMicros();
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample() {
    for (const [name, pid] of Object.entries(this.pids)) {
      const rss = rssMb(pid);
      if (rss !== null) this.maxRss[name] = Math.max(this.maxRss[name] ?? 0, rss);
    }
  }

  stop() {
    clearInterval(this.timer);
    this.sample();
    const wall = (performance.now() - this.t0) / 1000;
    const cpu = {};
    let ours = 0;
    for (const [name, pid] of Object.entries(this.pids)) {
      const now = cpuSeconds(pid);
      cpu[name] = now !== null && this.cpu0[name] !== null ? now - this.cpu0[name] : null;
      ours += cpu[name] ?? 0;
    }
    for (const [name, comm] of Object.entries(INFRA)) {
      cpu[name] = groupCpuSeconds(comm) - this.cpu0[name];
      ours += cpu[name];
    }
    const m = machineBusySeconds();
    const busy = m.busy - this.machine0.busy;
    return {
      wallSeconds: wall,
      monoUs: [this.mono0, monotonicMicros()],
      maxRssMb: this.maxRss,
      cpuSeconds: cpu,
      // Cores' worth of CPU used by everything else on the box (other test suites, the kernel's own threads).
      otherCores: Math.max(0, (busy - ours) / wall),
      machineBusyCores: busy / wall,
    };
  }
}
