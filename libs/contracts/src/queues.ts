// Queue and exchange names. A prefix isolates one deployment (or one test run) from another on a shared broker.
export interface Topology {
  authRpc: string;
  linkRpc: string;
  syncRpc: string;
  revocationsExchange: string;
}

export type ServiceName = 'auth' | 'link' | 'sync';

export function topology(prefix = ''): Topology {
  return {
    authRpc: `${prefix}auth.rpc`,
    linkRpc: `${prefix}link.rpc`,
    syncRpc: `${prefix}sync.rpc`,
    revocationsExchange: `${prefix}auth.revocations`,
  };
}
