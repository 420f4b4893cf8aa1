import { createHmac, randomUUID } from 'node:crypto';
import { type ExecutionContext, Logger } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { Test } from '@nestjs/testing';
import { ErrorCode } from '@app/contracts';
import { strictMock } from '@app/testing';
import { APP_CONFIG, type GatewayConfig } from '../config';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JWT_AUDIENCE, JWT_ISSUER, JwtStrategy } from './jwt.strategy';
import { RevocationsService } from './revocations.service';

const SECRET = 'spec-secret-spec-secret-spec-secret-0123';

const NEW_SECRET = 'new-key-new-key-new-key-new-key-new-key-0123';
const OLD_SECRET = 'old-key-old-key-old-key-old-key-old-key-0123';

// A token signed by hand (HS256 with the given secret, the gateway's by default): whatever claims and header a key
// holder could put in one.
function sign(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
  secret = SECRET,
): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${part({ alg: 'HS256', typ: 'JWT', ...header })}.${part(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

function httpContext(token: string): ExecutionContext {
  const request = { headers: { authorization: `Bearer ${token}` } };
  return {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
  } as unknown as ExecutionContext;
}

// The access-token check as every protected route runs it (passport-jwt through the guard), with the revocation
// list replaced through DI.
describe(JwtStrategy.name, () => {
  const now = (): number => Math.floor(Date.now() / 1000);
  const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    sub: randomUUID(),
    sid: randomUUID(),
    typ: 'access',
    iss: JWT_ISSUER,
    aud: JWT_AUDIENCE,
    iat: now(),
    exp: now() + 900,
    ...overrides,
  });
  let sut: JwtAuthGuard;
  let loaded: boolean;

  async function build(jwt: Pick<GatewayConfig, 'JWT_SECRET' | 'JWT_KEYS'>): Promise<JwtAuthGuard> {
    const moduleRef = await Test.createTestingModule({
      imports: [PassportModule],
      providers: [
        JwtStrategy,
        {
          provide: RevocationsService,
          useValue: strictMock<RevocationsService>('RevocationsService', {
            isLoaded: () => loaded,
            isRevoked: () => false,
          }),
        },
        {
          provide: APP_CONFIG,
          useValue: strictMock<GatewayConfig>('GatewayConfig', jwt),
        },
      ],
    }).compile();
    moduleRef.get(JwtStrategy);
    Logger.overrideLogger(false);
    return new JwtAuthGuard();
  }

  beforeEach(async () => {
    loaded = true;
    sut = await build({ JWT_SECRET: SECRET, JWT_KEYS: undefined });
  });

  it('accepts a token whose kid is "default" when JWT_SECRET is the one key', async () => {
    await expect(sut.canActivate(httpContext(sign(claims(), { kid: 'default' })))).resolves.toBe(true);
  });

  it('answers 401 when the token names a kid the gateway does not hold', async () => {
    await expect(sut.canActivate(httpContext(sign(claims(), { kid: 'other' })))).rejects.toMatchObject({
      status: 401,
    });
  });

  describe('with JWT_KEYS', () => {
    beforeEach(async () => {
      sut = await build({ JWT_SECRET: undefined, JWT_KEYS: `new:${NEW_SECRET},old:${OLD_SECRET}` });
    });

    it('accepts a token signed by any listed key, chosen by its kid', async () => {
      await expect(sut.canActivate(httpContext(sign(claims(), { kid: 'new' }, NEW_SECRET)))).resolves.toBe(
        true,
      );
      await expect(sut.canActivate(httpContext(sign(claims(), { kid: 'old' }, OLD_SECRET)))).resolves.toBe(
        true,
      );
    });

    it('answers 401 when the kid names another listed key than the one that signed', async () => {
      const token = sign(claims(), { kid: 'new' }, OLD_SECRET);

      await expect(sut.canActivate(httpContext(token))).rejects.toMatchObject({ status: 401 });
    });

    it('answers 401 when the token has no kid and no "default" key is listed', async () => {
      const token = sign(claims(), {}, NEW_SECRET);

      await expect(sut.canActivate(httpContext(token))).rejects.toMatchObject({ status: 401 });
    });

    it('answers 401 when the kid is not a string', async () => {
      const token = sign(claims(), { kid: 1 }, NEW_SECRET);

      await expect(sut.canActivate(httpContext(token))).rejects.toMatchObject({ status: 401 });
    });
  });

  it('accepts a token with exp and iat', async () => {
    await expect(sut.canActivate(httpContext(sign(claims())))).resolves.toBe(true);
  });

  it('answers 401 when the token has no exp', async () => {
    await expect(sut.canActivate(httpContext(sign(claims({ exp: undefined }))))).rejects.toMatchObject({
      status: 401,
    });
  });

  it('answers 401 when the token has no iat', async () => {
    await expect(sut.canActivate(httpContext(sign(claims({ iat: undefined }))))).rejects.toMatchObject({
      status: 401,
    });
  });

  it('answers 401 when the token was issued in the future beyond the clock skew', async () => {
    const token = sign(claims({ iat: now() + 120 }));

    await expect(sut.canActivate(httpContext(token))).rejects.toMatchObject({ status: 401 });
  });

  it('answers 401 when the token has expired', async () => {
    const token = sign(claims({ iat: now() - 1000, exp: now() - 100 }));

    await expect(sut.canActivate(httpContext(token))).rejects.toMatchObject({ status: 401 });
  });

  it('answers 503 rather than accepting a token before the revocation list is loaded', async () => {
    loaded = false;

    await expect(sut.canActivate(httpContext(sign(claims())))).rejects.toMatchObject({
      code: ErrorCode.ServiceUnavailable,
    });
  });
});
