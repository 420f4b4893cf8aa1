import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '../support/wait-for';

const run = promisify(execFile);

export interface ClusterNode {
  name: string;
  port: number;
  url: string;
  env: Record<string, string>;
}

// The cluster scripts/test-cluster.mjs started (CLUSTER_INFO names its description).
export class Cluster {
  readonly nodes: ClusterNode[];
  private readonly rabbitBin: string;

  constructor() {
    const file = process.env.CLUSTER_INFO;
    if (!file) throw new Error('CLUSTER_INFO is not set: run these specs with npm run test:cluster');
    const info = JSON.parse(readFileSync(file, 'utf8')) as { rabbitBin: string; nodes: ClusterNode[] };
    this.nodes = info.nodes;
    this.rabbitBin = info.rabbitBin;
  }

  async ctl(node: ClusterNode, ...args: string[]): Promise<string> {
    const { stdout } = await run(join(this.rabbitBin, 'rabbitmqctl'), ['-q', '-n', node.name, ...args], {
      env: { ...process.env, ...node.env },
    });
    return stdout;
  }

  byPort(port: number): ClusterNode {
    const node = this.nodes.find((n) => n.port === port);
    if (!node) throw new Error(`no cluster node listens on ${port}`);
    return node;
  }

  // The node that leads a quorum queue now, asked of a node that is up.
  async leaderOf(queue: string, askVia = this.nodes): Promise<ClusterNode> {
    for (const via of askVia) {
      try {
        const rows = JSON.parse(
          await this.ctl(via, 'list_queues', 'name', 'leader', '--formatter', 'json'),
        ) as {
          name: string;
          leader: string;
        }[];
        const leader = rows.find((r) => r.name === queue)?.leader;
        const node = this.nodes.find((n) => n.name === leader);
        if (node) return node;
      } catch {
        // that node is down: ask the next one
      }
    }
    throw new Error(`no leader found for ${queue}`);
  }

  // Kills the node's Erlang VM outright (no graceful hand-over of its queues' leadership): a lost machine.
  async kill(node: ClusterNode): Promise<void> {
    const pid = Number((await this.ctl(node, 'eval', 'list_to_integer(os:getpid()).')).trim());
    process.kill(pid, 'SIGKILL');
    await waitFor(
      () =>
        this.ctl(node, 'ping').then(
          () => false,
          () => true,
        ),
      { what: `${node.name} to be down`, timeoutMs: 20_000, intervalMs: 250 },
    );
  }

  // Starts it again with the same data directory: it rejoins the cluster it was part of.
  async restart(node: ClusterNode): Promise<void> {
    spawn(join(this.rabbitBin, 'rabbitmq-server'), [], {
      env: { ...process.env, ...node.env },
      stdio: 'ignore',
      detached: true,
    }).unref();
    // await_startup fails at once while the VM has not registered its name yet.
    await waitFor(
      () =>
        this.ctl(node, 'await_startup', '--timeout', '5').then(
          () => true,
          () => false,
        ),
      { what: `${node.name} to start again`, timeoutMs: 90_000, intervalMs: 500 },
    );
  }

  async runningNodes(): Promise<string[]> {
    const status = JSON.parse(await this.ctl(this.nodes[0], 'cluster_status', '--formatter', 'json')) as {
      running_nodes: string[];
    };
    return status.running_nodes;
  }
}
