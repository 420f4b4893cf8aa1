import { execFileSync } from 'node:child_process';

// Closes the broker connections these processes hold (found by the local port each holds), as a broker restart
// would; the broker itself is shared with other runs and is not restarted. Answers how many it closed.
export function closeBrokerConnections(pids: readonly number[], reason: string): number {
  const wanted = new Set(pids.map(String));
  const ss = execFileSync('ss', ['-tnpH', 'state', 'established', '( dport = :5672 )'], { encoding: 'utf8' });
  const ports = ss
    .split('\n')
    .filter((line) => [...wanted].some((pid) => line.includes(`pid=${pid},`)))
    .map((line) => line.trim().split(/\s+/)[2]?.split(':').pop())
    .filter(Boolean) as string[];
  // close_connection takes the connection's Erlang pid; its name holds the client's address.
  const connections = execFileSync('rabbitmqctl', ['-q', 'list_connections', 'pid', 'name'], {
    encoding: 'utf8',
  })
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([pid, name]) => pid?.startsWith('<') && name);
  let closed = 0;
  for (const [pid, name] of connections) {
    if (!ports.some((port) => name.startsWith(`127.0.0.1:${port} `))) continue;
    try {
      execFileSync('rabbitmqctl', ['-q', 'close_connection', pid, reason], { stdio: 'ignore' });
      closed++;
    } catch {
      // Already closed (a connection going down can take others of the same client with it).
    }
  }
  return closed;
}
