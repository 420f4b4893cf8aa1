import { Test } from '@nestjs/testing';
import { DomainError, ErrorCode, type MessagePattern } from '@app/contracts';
import { type RpcClient } from '@app/messaging';
import { strictMock } from '@app/testing';
import { RevocationsService } from '../auth/revocations.service';
import { APP_CONFIG, type GatewayConfig } from '../config';
import { EventStreamsService } from '../events/event-streams.service';
import { mapError } from '../errors/error-mapping';
import { Rpc } from '../rpc/rpc';
import { HealthService } from './health.service';

describe(HealthService.name, () => {
  let pings: string[];
  let authUp: boolean;
  let sut: HealthService;

  const client = (service: string, up: () => boolean): RpcClient =>
    strictMock<RpcClient>(service, {
      service,
      isConnected: () => true,
      send: async (_pattern: MessagePattern) => {
        pings.push(service);
        if (!up()) throw new Error('timeout');
        return {};
      },
    } as Partial<RpcClient>);

  beforeEach(async () => {
    pings = [];
    authUp = true;
    const clients = [client('auth', () => authUp), client('plaid-link', () => true)];
    const moduleRef = await Test.createTestingModule({
      providers: [
        HealthService,
        { provide: Rpc, useValue: strictMock<Rpc>('Rpc', { services: () => clients }) },
        {
          provide: RevocationsService,
          useValue: strictMock<RevocationsService>('RevocationsService', { isReady: () => true }),
        },
        {
          provide: EventStreamsService,
          useValue: strictMock<EventStreamsService>('EventStreamsService', { isReady: () => true }),
        },
        {
          provide: APP_CONFIG,
          useValue: strictMock<GatewayConfig>('GatewayConfig', { HEALTH_TIMEOUT_MS: 100 }),
        },
      ],
    }).compile();
    sut = moduleRef.get(HealthService);
  });

  it('pings every service once for calls within a second', async () => {
    await Promise.all([sut.readiness(), sut.readiness()]);
    await sut.readiness();
    expect(pings.sort()).toEqual(['auth', 'plaid-link']);
  });

  it('names each check in the readiness details', async () => {
    authUp = false;
    await expect(sut.readiness()).resolves.toEqual({
      ready: false,
      checks: { broker: 'up', revocations: 'up', userEvents: 'up', auth: 'down', 'plaid-link': 'up' },
    });
  });

  it('answers the public 503 without naming what is down', async () => {
    authUp = false;
    const err = await sut.assertReady().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    const body = mapError(err, 'req-1').body;
    expect(body).toEqual({
      statusCode: 503,
      code: ErrorCode.ServiceUnavailable,
      message: 'Not ready',
      requestId: 'req-1',
    });
  });
});
