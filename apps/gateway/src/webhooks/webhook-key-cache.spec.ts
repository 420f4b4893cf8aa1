import { createHash, generateKeyPairSync, randomUUID, sign as signRaw } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { DomainError, ErrorCode, type MessagePattern, type WebhookKeyResponse } from '@app/contracts';
import { type RpcClient } from '@app/messaging';
import { strictMock } from '@app/testing';
import { APP_CONFIG, type GatewayConfig } from '../config';
import { Rpc } from '../rpc/rpc';
import { rpcOver } from '../rpc/rpc-spec-support';
import { WebhookVerifier } from './webhook-verifier.service';

const REAL_KID = '6c5516e1-92dc-479e-a8ff-5a51992e0001';
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

// What fake key ids may cost: a look-up each (a broker round trip and a Plaid call) only within a global budget,
// and never the eviction of the key that verifies Plaid's webhooks.
describe(`${WebhookVerifier.name} key cache`, () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = pair.publicKey.export({ format: 'jwk' });
  const body = Buffer.from('{"webhook_type":"TRANSACTIONS"}');
  const now = (): number => Math.floor(Date.now() / 1000);
  const lookups: string[] = [];
  let sut: WebhookVerifier;

  const token = (kid: string): string => {
    const input = `${b64({ alg: 'ES256', kid, typ: 'JWT' })}.${b64({
      iat: now(),
      request_body_sha256: createHash('sha256').update(body).digest('hex'),
    })}`;
    const signature = signRaw('sha256', Buffer.from(input), {
      key: pair.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${input}.${signature.toString('base64url')}`;
  };

  const outcome = (kid: string): Promise<unknown> =>
    sut.verify(body, token(kid)).then(
      () => 'verified',
      (err: unknown) => err,
    );

  const build = async (lookupsPerSecond: number): Promise<WebhookVerifier> => {
    lookups.length = 0;
    const key: WebhookKeyResponse['key'] = {
      alg: 'ES256',
      crv: 'P-256',
      kid: REAL_KID,
      kty: 'EC',
      use: 'sig',
      x: jwk.x!,
      y: jwk.y!,
      created_at: now() - 3600,
      expired_at: null,
    };
    const link = strictMock<RpcClient>('link', {
      send: async (_pattern: MessagePattern, request: { kid: string }) => {
        lookups.push(request.kid);
        return { key: request.kid === REAL_KID ? key : null };
      },
    });
    const moduleRef = await Test.createTestingModule({
      providers: [
        WebhookVerifier,
        { provide: Rpc, useValue: rpcOver({ link }) },
        {
          provide: APP_CONFIG,
          useValue: strictMock<GatewayConfig>('GatewayConfig', {
            WEBHOOK_KEY_CACHE_SECONDS: 60,
            WEBHOOK_KEY_LOOKUPS_PER_SECOND: lookupsPerSecond,
          }),
        },
      ],
    }).compile();
    return moduleRef.get(WebhookVerifier);
  };

  beforeEach(async () => {
    sut = await build(1);
  });

  it('refuses a malformed kid without a look-up', async () => {
    const err = await outcome('not-a-kid!');
    expect((err as DomainError).code).toBe(ErrorCode.Unauthorized);
    expect(lookups).toEqual([]);
  });

  it('answers 401 without a look-up once the budget of unknown kids is used up', async () => {
    const results = [];
    for (let i = 0; i < 50; i++) results.push(await outcome(randomUUID()));
    expect(results.every((r) => r instanceof DomainError && r.code === ErrorCode.Unauthorized)).toBe(true);
    // A burst of five seconds' worth at one per second, plus at most one refilled while the loop ran.
    expect(lookups.length).toBeGreaterThanOrEqual(5);
    expect(lookups.length).toBeLessThanOrEqual(6);
  });

  it('keeps verifying with a known key while unknown kids are refused over budget', async () => {
    await expect(outcome(REAL_KID)).resolves.toBe('verified');
    for (let i = 0; i < 50; i++) await outcome(randomUUID());
    await expect(outcome(REAL_KID)).resolves.toBe('verified');
  });

  it('does not let a flood of unknown kids evict a key Plaid returned', async () => {
    // Far more unknown kids than either cache holds, each allowed its look-up (a budget of 5000).
    sut = await build(1000);
    await expect(outcome(REAL_KID)).resolves.toBe('verified');
    for (let i = 0; i < 1500; i++) await outcome(randomUUID());
    const before = lookups.filter((k) => k === REAL_KID).length;
    await expect(outcome(REAL_KID)).resolves.toBe('verified');
    expect(lookups.filter((k) => k === REAL_KID).length).toBe(before);
  });
});
