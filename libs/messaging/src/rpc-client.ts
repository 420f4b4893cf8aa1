import { Logger } from '@nestjs/common';
import { ClientRMQ, RmqRecordBuilder } from '@nestjs/microservices';
import {
  DomainError,
  ErrorCode,
  isRpcErrorBody,
  type RpcPatternOf,
  type RpcQueueOwner,
  type RpcRequest,
  type RpcResponse,
} from '@app/contracts';
import { REQUEST_ID_HEADER, requestContext } from '@app/common';
import { firstValueFrom, TimeoutError, timeout } from 'rxjs';
import { rmqClientOptions } from './rmq-options';

export interface RpcSendOptions {
  timeoutMs?: number;
}

// A request/response client for one service's queue: typed by the contract, bounded by a timeout,
// and failing fast with SERVICE_UNAVAILABLE while the broker connection is down. `O`, the service it talks to,
// limits `send` to that service's patterns (RPC_ROUTES).
export class RpcClient<O extends RpcQueueOwner = RpcQueueOwner> {
  private readonly logger: Logger;
  private readonly client: ClientRMQ;
  private connected = false;

  constructor(
    readonly service: string,
    url: string,
    queue: string,
    private readonly timeoutMs: number,
  ) {
    this.logger = new Logger(`RpcClient:${service}`);
    this.client = new ClientRMQ(rmqClientOptions(url, queue).options ?? {});
    this.client.status.subscribe((status) => {
      // RmqStatus is an ambient const enum; its CONNECTED value is 'connected'.
      this.connected = String(status) === 'connected';
    });
  }

  async connect(): Promise<void> {
    await this.client.connect();
    this.connected = true;
  }

  isConnected(): boolean {
    return this.connected;
  }

  async send<P extends RpcPatternOf<O>>(
    pattern: P,
    payload: RpcRequest<P>,
    options: RpcSendOptions = {},
  ): Promise<RpcResponse<P>> {
    if (!this.connected) {
      // Try once: the first call after boot, or after a reconnect the status event has not reported yet.
      await this.client.connect().then(
        () => (this.connected = true),
        () => undefined,
      );
      if (!this.connected) {
        throw new DomainError(ErrorCode.ServiceUnavailable, `The ${this.service} service is unreachable`);
      }
    }
    const requestId = requestContext.requestId();
    // Not persistent: see rmqClientOptions.
    const record = new RmqRecordBuilder(payload)
      .setOptions({ headers: requestId ? { [REQUEST_ID_HEADER]: requestId } : {}, persistent: false })
      .build();
    const limit = options.timeoutMs ?? this.timeoutMs;
    try {
      return await firstValueFrom(this.client.send<RpcResponse<P>>(pattern, record).pipe(timeout(limit)));
    } catch (err) {
      if (err instanceof TimeoutError) {
        this.logger.warn({ pattern, timeoutMs: limit }, 'rpc timed out');
        throw new DomainError(ErrorCode.GatewayTimeout, `The ${this.service} service did not answer in time`);
      }
      if (isRpcErrorBody(err)) {
        throw DomainError.fromBody(err);
      }
      if (err instanceof DomainError) throw err;
      this.logger.error({ pattern, err: describe(err) }, 'rpc failed');
      throw new DomainError(ErrorCode.ServiceUnavailable, `The ${this.service} service is unavailable`);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}
