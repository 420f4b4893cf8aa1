import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { BroadcastEvent, MessagePattern, type SessionRevocation } from '@app/contracts';
import { AmqpConnection, type RpcClient } from '@app/messaging';
import { strictMock } from '@app/testing';
import { type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { RpcClients } from '../rpc/rpc-clients';
import { RevocationsService } from './revocations.service';

type Setup = (ch: ConfirmChannel) => Promise<unknown>;

const waitFor = async (check: () => boolean, timeoutMs = 2000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
};

// The revocation list with the broker connection and the auth RPC replaced through DI: a fake channel stands in
// for the shared connection's subscription channel, so a test can deliver broadcasts and simulate a reconnect.
describe(RevocationsService.name, () => {
  const future = (): number => Math.floor(Date.now() / 1000) + 600;
  let sut: RevocationsService;
  let setup: Setup | undefined;
  let deliver: ((msg: ConsumeMessage | null) => void) | undefined;
  let listed: SessionRevocation[];
  let listCalls: number;

  // What the subscription's setup does on a (re)connect, against a fake channel.
  const connect = async (): Promise<void> => {
    const channel = strictMock<ConfirmChannel>('ConfirmChannel', {
      assertExchange: (async () => ({ exchange: 'x' })) as unknown as ConfirmChannel['assertExchange'],
      assertQueue: async () => ({
        queue: 'q',
        messageCount: 0,
        consumerCount: 0,
      }),
      bindQueue: (async () => ({})) as unknown as ConfirmChannel['bindQueue'],
      consume: async (_q: string, onMessage: (msg: ConsumeMessage | null) => void) => {
        deliver = onMessage;
        return { consumerTag: 't' };
      },
    });
    await setup!(channel);
  };

  const broadcast = (type: string, payload: unknown): void =>
    deliver!({
      content: Buffer.from(JSON.stringify(payload)),
      properties: { type },
    } as unknown as ConsumeMessage);

  beforeEach(async () => {
    setup = undefined;
    deliver = undefined;
    listed = [];
    listCalls = 0;
    const amqp = strictMock<AmqpConnection>('AmqpConnection', {
      channel: ((_name: string, s?: Setup) => {
        setup = s;
        return {};
      }) as unknown as AmqpConnection['channel'],
      isConnected: () => true,
    });
    const auth = strictMock<RpcClient>('auth', {
      send: (async (pattern: MessagePattern) => {
        expect(pattern).toBe(MessagePattern.AuthRevocationsList);
        listCalls++;
        return { revocations: listed };
      }) as unknown as RpcClient['send'],
    });
    const moduleRef = await Test.createTestingModule({
      providers: [
        RevocationsService,
        { provide: AmqpConnection, useValue: amqp },
        { provide: RpcClients, useValue: strictMock<RpcClients>('RpcClients', { auth }) },
        {
          provide: GATEWAY_CONFIG,
          useValue: strictMock<GatewayConfig>('GatewayConfig', { QUEUE_PREFIX: 't.' }),
        },
      ],
    }).compile();
    Logger.overrideLogger(false);
    sut = moduleRef.get(RevocationsService);
  });

  afterEach(() => sut.onApplicationShutdown());

  it('is ready once the list is loaded and the subscription is set up', async () => {
    listed = [{ sessionId: 's-1', until: future() }];

    await sut.onApplicationBootstrap();
    expect(sut.isReady()).toBe(false);
    await connect();
    await waitFor(() => sut.isReady());

    expect(sut.isRevoked('s-1')).toBe(true);
    expect(sut.isRevoked('s-2')).toBe(false);
  });

  it('refuses a session revoked by broadcast', async () => {
    await sut.onApplicationBootstrap();
    await connect();

    broadcast(BroadcastEvent.SessionRevoked, { sessionId: 's-3', until: future() });

    expect(sut.isRevoked('s-3')).toBe(true);
  });

  it('ignores broadcasts of another type or with a malformed payload', async () => {
    await sut.onApplicationBootstrap();
    await connect();

    broadcast('something.else', { sessionId: 's-4', until: future() });
    broadcast(BroadcastEvent.SessionRevoked, { sessionId: 's-5', until: 'soon' });

    expect(sut.isRevoked('s-4')).toBe(false);
    expect(sut.isRevoked('s-5')).toBe(false);
  });

  it('no longer refuses a session once its revocation has run out', async () => {
    await sut.onApplicationBootstrap();
    await connect();

    broadcast(BroadcastEvent.SessionRevoked, { sessionId: 's-6', until: Math.floor(Date.now() / 1000) - 1 });

    expect(sut.isRevoked('s-6')).toBe(false);
  });

  it('re-reads the list after a reconnect, when broadcasts may have been missed', async () => {
    await sut.onApplicationBootstrap();
    await connect();
    await waitFor(() => listCalls === 1);
    listed = [{ sessionId: 's-7', until: future() }];

    await connect();

    await waitFor(() => sut.isRevoked('s-7'));
    expect(listCalls).toBe(2);
  });
});
