import { createHash, generateKeyPairSync, type KeyObject, sign as signRaw } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { DomainError, ErrorCode, MessagePattern, type WebhookKeyResponse } from '@app/contracts';
import { type RpcClient } from '@app/messaging';
import { strictMock } from '@app/testing';
import { APP_CONFIG, type GatewayConfig } from '../config';
import { mapError } from '../errors/error-mapping';
import { Rpc } from '../rpc/rpc';
import { rpcOver } from '../rpc/rpc-spec-support';
import { MAX_JWT_LENGTH } from './es256-jwt';
import { WebhookVerifier } from './webhook-verifier.service';

const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

// Every malformed or forged Plaid-Verification header must end as the verifier's 401 (WebhookRejected), never
// as an unexpected error that the edge would answer with 500.
const K1 = '6c5516e1-92dc-479e-a8ff-5a51992e0001';
const K2 = '0b1d2a3c-0000-4000-8000-000000000002';

describe(WebhookVerifier.name, () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = pair.publicKey.export({ format: 'jwk' });
  const body = Buffer.from(
    JSON.stringify({ webhook_type: 'TRANSACTIONS', webhook_code: 'SYNC_UPDATES_AVAILABLE' }),
  );
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const now = (): number => Math.floor(Date.now() / 1000);
  let sut: WebhookVerifier;

  const token = (
    header: unknown = { alg: 'ES256', kid: K1, typ: 'JWT' },
    payload: unknown = { iat: now(), request_body_sha256: bodyHash },
    key: KeyObject = pair.privateKey,
  ): string => {
    const input = `${b64(header)}.${b64(payload)}`;
    const signature = signRaw('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  };

  beforeAll(async () => {
    const key: WebhookKeyResponse['key'] = {
      alg: 'ES256',
      crv: 'P-256',
      kid: K1,
      kty: 'EC',
      use: 'sig',
      x: jwk.x!,
      y: jwk.y!,
      created_at: now() - 3600,
      expired_at: null,
    };
    const link = strictMock<RpcClient>('link', {
      send: async (pattern: MessagePattern, request: { kid: string }) => {
        expect(pattern).toBe(MessagePattern.WebhookKeyGet);
        return { key: request.kid === K1 ? key : null };
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
            WEBHOOK_KEY_LOOKUPS_PER_SECOND: 1000,
          }),
        },
      ],
    }).compile();
    sut = moduleRef.get(WebhookVerifier);
  });

  const expect401 = async (header: string | string[] | undefined, raw: Buffer = body): Promise<void> => {
    const err = await sut.verify(raw, header).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(ErrorCode.Unauthorized);
    expect(mapError(err, 'req-1').body.statusCode).toBe(401);
  };

  it('accepts a fresh token signed by the key with the body hash', async () => {
    await expect(sut.verify(body, token())).resolves.toBeUndefined();
  });

  describe('answers 401 when the token is malformed', () => {
    const good = token().split('.');
    it.each([
      ['an empty header value', ''],
      ['no header at all', undefined],
      ['the header given twice', [token(), token()]],
      ['one segment', good[0]],
      ['two segments', `${good[0]}.${good[1]}`],
      ['four segments', `${good.join('.')}.${good[2]}`],
      ['five segments', `${good.join('.')}..`],
      ['an empty header segment', `.${good[1]}.${good[2]}`],
      ['an empty payload segment', `${good[0]}..${good[2]}`],
      ['an empty signature segment', `${good[0]}.${good[1]}.`],
      ['only dots', '..'],
      ['bad base64 in the header', `${good[0]}!.${good[1]}.${good[2]}`],
      ['bad base64 in the payload', `${good[0]}.${good[1]}*.${good[2]}`],
      ['bad base64 in the signature', `${good[0]}.${good[1]}.${good[2].slice(0, -2)}==`],
      [
        'standard base64 in the header',
        `${Buffer.from('{"alg":"ES256","kid":"k1"}').toString('base64')}.${good[1]}.${good[2]}`,
      ],
      ['a truncated header segment', `${good[0].slice(0, 5)}.${good[1]}.${good[2]}`],
      ['whitespace around it', ` ${good.join('.')} `],
      ['a non-JSON header', `${b64('not json')}.${good[1]}.${good[2]}`],
      ['a header that is a JSON array', `${b64([{ alg: 'ES256', kid: K1 }])}.${good[1]}.${good[2]}`],
      ['a header that is a JSON number', `${b64(42)}.${good[1]}.${good[2]}`],
      ['a header that is JSON null', `${b64('null')}.${good[1]}.${good[2]}`],
      ['a header that is a JSON string', `${b64('"ES256"')}.${good[1]}.${good[2]}`],
      ['a payload that is a JSON array', token(undefined, [now()])],
      ['a non-JSON payload', `${good[0]}.${b64('{iat:')}.${good[2]}`],
      ['a 100 KB header', token({ alg: 'ES256', kid: K1, pad: 'x'.repeat(100 * 1024) })],
      ['a token one character over the cap', `${good.join('.')}${'A'.repeat(MAX_JWT_LENGTH)}`],
    ])('(%s)', async (_case, header) => {
      await expect401(header);
    });
  });

  describe('answers 401 when the algorithm is not ES256', () => {
    it.each([
      ['none', { alg: 'none', kid: K1 }],
      ['HS256', { alg: 'HS256', kid: K1 }],
      ['ES384', { alg: 'ES384', kid: K1 }],
      ['RS256', { alg: 'RS256', kid: K1 }],
      ['lowercase es256', { alg: 'es256', kid: K1 }],
      ['missing', { kid: K1 }],
      ['null', { alg: null, kid: K1 }],
      ['an array', { alg: ['ES256'], kid: K1 }],
    ])('(%s)', async (_case, header) => {
      await expect401(token(header));
    });

    it('(none, with an empty signature)', async () => {
      await expect401(
        `${b64({ alg: 'none', kid: K1 })}.${b64({ iat: now(), request_body_sha256: bodyHash })}.`,
      );
    });
  });

  describe('answers 401 when the kid is unusable', () => {
    it.each([
      ['missing', { alg: 'ES256' }],
      ['a number', { alg: 'ES256', kid: 1 }],
      ['an object', { alg: 'ES256', kid: { id: K1 } }],
      ['empty', { alg: 'ES256', kid: '' }],
      ['longer than 128 characters', { alg: 'ES256', kid: 'k'.repeat(129) }],
      ['not hex and dashes', { alg: 'ES256', kid: 'k1' }],
      ['path characters', { alg: 'ES256', kid: '../../etc/passwd' }],
      ['unknown to Plaid', { alg: 'ES256', kid: K2 }],
    ])('(%s)', async (_case, header) => {
      await expect401(token(header));
    });
  });

  describe('answers 401 when the signature or claims are wrong', () => {
    it('(signature of the wrong length)', async () => {
      const [h, p, s] = token().split('.');
      await expect401(`${h}.${p}.${s.slice(0, 40)}`);
      await expect401(`${h}.${p}.${s}${s}`);
    });

    it('(signed by another key)', async () => {
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      await expect401(token(undefined, undefined, other.privateKey));
    });

    it('(a crit header)', async () => {
      await expect401(token({ alg: 'ES256', kid: K1, crit: ['b64'] }));
    });

    it.each([
      ['iat missing', { request_body_sha256: bodyHash }],
      ['iat a string', { iat: String(now()), request_body_sha256: bodyHash }],
      ['iat in the future', { iat: now() + 60, request_body_sha256: bodyHash }],
      ['iat older than five minutes', { iat: now() - 306, request_body_sha256: bodyHash }],
      ['expired', { iat: now() - 10, exp: now() - 6, request_body_sha256: bodyHash }],
      ['body hash missing', { iat: now() }],
      ['body hash not hex', { iat: now(), request_body_sha256: 'z'.repeat(64) }],
      [
        'body hash of another body',
        { iat: now(), request_body_sha256: createHash('sha256').update('x').digest('hex') },
      ],
    ])('(%s)', async (_case, payload) => {
      await expect401(token(undefined, payload));
    });

    it('(body changed after signing)', async () => {
      await expect401(token(), Buffer.concat([body, Buffer.from(' ')]));
    });

    it('(empty body)', async () => {
      await expect401(token(), Buffer.alloc(0));
    });
  });
});
