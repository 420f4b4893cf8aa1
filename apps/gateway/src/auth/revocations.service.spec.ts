import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { BroadcastEvent, MessagePattern, type SessionRevocation } from '@app/contracts';
import { AmqpConnection, type RpcClient } from '@app/messaging';
import { strictMock } from '@app/testing';
import { type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { APP_CONFIG, type GatewayConfig } from '../config';
import { Rpc } from '../rpc/rpc';
import { rpcOver } from '../rpc/rpc-spec-support';
import { RevocationsService } from './revocations.service';

type Setup = (ch: ConfirmChannel) => Promise<unknown>;

const waitFor = async (check: () => boolean, timeoutMs = 2000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const TTL = 900;

// The revocation list with the broker connection and the auth RPC replaced through DI: a fake channel stands in
// for the shared connection's subscription channel, so a test can deliver broadcasts, cancel the consumer, close
// the channel and simulate a reconnect.
describe(RevocationsService.name, () => {
  const future = (): number => Math.floor(Date.now() / 1000) + 600;
  let sut: RevocationsService;
  // The setup of the newest subscription channel, and how many channels were opened.
  let setup: Setup | undefined;
  let channelsOpened: number;
  let deliver: ((msg: ConsumeMessage | null) => void) | undefined;
  let closeChannel: (() => void) | undefined;
  let listed: SessionRevocation[];
  let listCalls: number;
  let authDown: boolean;
  let reloadMs: number;

  // What the subscription's setup does on a (re)connect, against a fake channel.
  const connect = async (): Promise<void> => {
    const channel = strictMock<ConfirmChannel>('ConfirmChannel', {
      once: ((event: string, listener: () => void) => {
        if (event === 'close') closeChannel = listener;
        return channel;
      }) as unknown as ConfirmChannel['once'],
      assertExchange: (async () => ({ exchange: 'x' })) as unknown as ConfirmChannel['assertExchange'],
      assertQueue: async () => ({ queue: 'q', messageCount: 0, consumerCount: 0 }),
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

  const start = async (): Promise<void> => {
    const amqp = strictMock<AmqpConnection>('AmqpConnection', {
      channel: ((_name: string, s?: Setup) => {
        setup = s;
        channelsOpened++;
        return { close: async () => undefined };
      }) as unknown as AmqpConnection['channel'],
      isConnected: () => true,
    });
    const auth = strictMock<RpcClient>('auth', {
      send: (async (pattern: MessagePattern) => {
        expect(pattern).toBe(MessagePattern.AuthRevocationsList);
        listCalls++;
        if (authDown) throw new Error('auth unreachable');
        return { revocations: listed };
      }) as unknown as RpcClient['send'],
    });
    const moduleRef = await Test.createTestingModule({
      providers: [
        RevocationsService,
        { provide: AmqpConnection, useValue: amqp },
        { provide: Rpc, useValue: rpcOver({ auth }) },
        {
          provide: APP_CONFIG,
          useValue: strictMock<GatewayConfig>('GatewayConfig', {
            QUEUE_PREFIX: 't.',
            ACCESS_TOKEN_TTL_SECONDS: TTL,
            REVOCATIONS_RELOAD_MS: reloadMs,
          }),
        },
      ],
    }).compile();
    Logger.overrideLogger(false);
    sut = moduleRef.get(RevocationsService);
    await sut.onApplicationBootstrap();
  };

  beforeEach(() => {
    setup = undefined;
    deliver = undefined;
    closeChannel = undefined;
    channelsOpened = 0;
    listed = [];
    listCalls = 0;
    authDown = false;
    reloadMs = 60_000;
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await sut.onApplicationShutdown();
  });

  it('is ready once the list is loaded and the subscription is set up', async () => {
    const [s1, s2] = [randomUUID(), randomUUID()];
    listed = [{ sessionId: s1, until: future() }];
    await start();

    expect(sut.isReady()).toBe(false);
    await connect();
    await waitFor(() => sut.isReady());

    expect(sut.isRevoked(s1)).toBe(true);
    expect(sut.isRevoked(s2)).toBe(false);
  });

  it('is not loaded while auth cannot be reached, and loads once it can', async () => {
    authDown = true;
    await start();
    await connect();
    await waitFor(() => listCalls >= 2);

    expect(sut.isLoaded()).toBe(false);
    expect(sut.isReady()).toBe(false);
    authDown = false;
    await waitFor(() => sut.isLoaded());
  });

  it('refuses a session revoked by broadcast', async () => {
    const sid = randomUUID();
    await start();
    await connect();

    broadcast(BroadcastEvent.SessionRevoked, { sessionId: sid, until: future() });

    expect(sut.isRevoked(sid)).toBe(true);
  });

  it('ignores broadcasts of another type or with a malformed payload', async () => {
    const [s4, s5] = [randomUUID(), randomUUID()];
    await start();
    await connect();

    broadcast('something.else', { sessionId: s4, until: future() });
    broadcast(BroadcastEvent.SessionRevoked, { sessionId: s5, until: 'soon' });
    broadcast(BroadcastEvent.SessionRevoked, { sessionId: s5, until: 1e300 });
    broadcast(BroadcastEvent.SessionRevoked, null);

    expect(sut.isRevoked(s4)).toBe(false);
    expect(sut.isRevoked(s5)).toBe(false);
  });

  it('tells its listeners of every revocation in force: broadcast, local logout and list', async () => {
    const [byBroadcast, byLogout, byList, expired] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    listed = [{ sessionId: byList, until: future() }];
    const told: string[] = [];
    await start();
    sut.onRevoked((sessionId) => told.push(sessionId));
    await connect();

    await sut.reload();
    broadcast(BroadcastEvent.SessionRevoked, { sessionId: byBroadcast, until: future() });
    broadcast(BroadcastEvent.SessionRevoked, {
      sessionId: expired,
      until: Math.floor(Date.now() / 1000) - 1,
    });
    sut.revokeLocally(byLogout);

    expect(told).toEqual([byList, byBroadcast, byLogout]);
  });

  it('drops a revocation whose session id is not a uuid', async () => {
    await start();
    await connect();

    broadcast(BroadcastEvent.SessionRevoked, { sessionId: 's-1', until: future() });

    expect(sut.isRevoked('s-1')).toBe(false);
  });

  it('keeps a revocation no longer than an access token lives when its until is far in the future', async () => {
    const sid = randomUUID();
    await start();
    await connect();
    const now = Date.now();

    broadcast(BroadcastEvent.SessionRevoked, {
      sessionId: sid,
      until: Math.floor(now / 1000) + 10 * 365 * 86400,
    });

    expect(sut.isRevoked(sid)).toBe(true);
    jest.spyOn(Date, 'now').mockReturnValue(now + (TTL + 2) * 1000);
    expect(sut.isRevoked(sid)).toBe(false);
  });

  it('no longer refuses a session once its revocation has run out', async () => {
    const sid = randomUUID();
    await start();
    await connect();

    broadcast(BroadcastEvent.SessionRevoked, { sessionId: sid, until: Math.floor(Date.now() / 1000) - 1 });

    expect(sut.isRevoked(sid)).toBe(false);
  });

  it('re-reads the list after a reconnect, when broadcasts may have been missed', async () => {
    const sid = randomUUID();
    await start();
    await connect();
    await waitFor(() => listCalls === 1);
    listed = [{ sessionId: sid, until: future() }];

    await connect();

    await waitFor(() => sut.isRevoked(sid));
    expect(listCalls).toBe(2);
  });

  it('re-subscribes on a new channel and re-reads the list when the broker cancels the consumer', async () => {
    const sid = randomUUID();
    await start();
    await connect();
    await waitFor(() => sut.isReady());
    listed = [{ sessionId: sid, until: future() }];

    deliver!(null);

    expect(sut.isReady()).toBe(false);
    await waitFor(() => channelsOpened === 2);
    await connect();
    await waitFor(() => sut.isRevoked(sid));
    expect(sut.isReady()).toBe(true);
  });

  it('re-subscribes on a new channel when its channel closes while the connection stays up', async () => {
    await start();
    await connect();
    await waitFor(() => sut.isReady());

    closeChannel!();

    await waitFor(() => !sut.isReady());
    await waitFor(() => channelsOpened === 2);
    await connect();
    await waitFor(() => listCalls === 2 && sut.isReady());
  });

  it('re-reads the list periodically even when no broadcast was missed', async () => {
    const sid = randomUUID();
    reloadMs = 20;
    await start();
    await connect();
    await waitFor(() => sut.isLoaded());
    listed = [{ sessionId: sid, until: future() }];

    await waitFor(() => sut.isRevoked(sid));
  });
});
