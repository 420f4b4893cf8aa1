import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { AppConfigModule } from '../config';
import { authTestConfig } from '../spec-support';
import { TokensService } from './tokens.service';

const NEW_SECRET = 'new-key-new-key-new-key-new-key-new-key-0123';
const OLD_SECRET = 'old-key-old-key-old-key-old-key-old-key-0123';

// Access-token signing: which key signs and which kid the gateway is told.
describe(TokensService.name, () => {
  async function build(jwt: { JWT_SECRET?: string; JWT_KEYS?: string }): Promise<TokensService> {
    const moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(Object.assign(authTestConfig(), jwt))],
      providers: [TokensService],
    }).compile();
    return moduleRef.get(TokensService);
  }

  it('signs with the first key of JWT_KEYS and names it in the header', async () => {
    const sut = await build({ JWT_SECRET: undefined, JWT_KEYS: `new:${NEW_SECRET},old:${OLD_SECRET}` });

    const token = await sut.signAccessToken(randomUUID(), randomUUID());

    expect(decodeProtectedHeader(token).kid).toBe('new');
    await expect(jwtVerify(token, new TextEncoder().encode(NEW_SECRET))).resolves.toBeDefined();
    await expect(jwtVerify(token, new TextEncoder().encode(OLD_SECRET))).rejects.toThrow();
  });

  it('signs with JWT_SECRET as kid "default" when no JWT_KEYS is set', async () => {
    const sut = await build({ JWT_SECRET: OLD_SECRET });

    const token = await sut.signAccessToken(randomUUID(), randomUUID());

    expect(decodeProtectedHeader(token).kid).toBe('default');
    await expect(jwtVerify(token, new TextEncoder().encode(OLD_SECRET))).resolves.toBeDefined();
  });
});
