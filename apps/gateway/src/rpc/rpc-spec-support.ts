// For gateway specs: the real Rpc (so a call still goes through RPC_ROUTES) over the per-service clients a spec
// provides; a service the spec did not provide fails loudly when it is called.
import { type RpcQueueOwner } from '@app/contracts';
import { type RpcClient } from '@app/messaging';
import { strictMock } from '@app/testing';
import { Rpc } from './rpc';

export function rpcOver(clients: Partial<Record<RpcQueueOwner, RpcClient>>): Rpc {
  const missing = (owner: RpcQueueOwner): RpcClient => strictMock<RpcClient>(`RpcClient(${owner})`);
  return new Rpc({
    auth: clients.auth ?? missing('auth'),
    link: clients.link ?? missing('link'),
    sync: clients.sync ?? missing('sync'),
  });
}
