import { DomainError, ErrorCode } from '@app/contracts';
import { checkFormKeys, checkJsonShape, limitedJsonParser } from './json-body';

const limits = { maxDepth: 32, maxKeys: 1000 };
const refusal = (body: string): unknown => {
  try {
    checkJsonShape(Buffer.from(body), limits);
    return undefined;
  } catch (err) {
    return err;
  }
};

describe(checkJsonShape.name, () => {
  it('accepts a body within the limits', () => {
    expect(refusal(JSON.stringify({ email: 'a@b.c', nested: { list: [[1], [2]] } }))).toBeUndefined();
  });

  it('refuses a body nested deeper than the limit with VALIDATION_FAILED', () => {
    const err = refusal(`{"email":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(ErrorCode.ValidationFailed);
    expect((err as DomainError).message).toMatch(/deeper than 32/);
  });

  it('counts keys across every level against the total', () => {
    const inner = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`k${i}`, 1]));
    expect(refusal(JSON.stringify({ a: inner, b: inner }))).toBeInstanceOf(DomainError);
    expect(refusal(JSON.stringify({ a: inner }))).toBeUndefined();
  });

  it('ignores brackets, colons and escaped quotes inside strings', () => {
    const tricky = JSON.stringify({ s: `${'[{:'.repeat(5000)}\\"]}` });
    expect(refusal(tricky)).toBeUndefined();
  });

  it('does not count array elements as keys', () => {
    expect(
      refusal(JSON.stringify({ ids: Array.from({ length: 50_000 }, (_, i) => `id-${i}`) })),
    ).toBeUndefined();
  });
});

describe(limitedJsonParser.name, () => {
  const run = (raw: string): { parsed: boolean; err: Error | null; value: unknown } => {
    const outcome = { parsed: false, err: null as Error | null, value: undefined as unknown };
    const sut = limitedJsonParser<null>(limits, (_req, body, done) => {
      outcome.parsed = true;
      done(null, JSON.parse(body.toString()));
    });
    sut(null, Buffer.from(raw), (err, value) => {
      outcome.err = err;
      outcome.value = value;
    });
    return outcome;
  };

  it('hands a body within the limits to the next parser', () => {
    expect(run('{"a":1}')).toEqual({ parsed: true, err: null, value: { a: 1 } });
  });

  it('answers a deep body itself without calling the next parser', () => {
    const outcome = run('['.repeat(100));
    expect(outcome.parsed).toBe(false);
    expect(outcome.err).toBeInstanceOf(DomainError);
  });
});

describe(checkFormKeys.name, () => {
  it('refuses a form body with more keys than the limit', () => {
    const body = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}`, 'v']));
    expect(() => checkFormKeys(body, 1000)).toThrow(DomainError);
  });

  it('accepts a form body within the limit', () => {
    expect(() => checkFormKeys({ email: 'a@b.c', password: 'x' }, 1000)).not.toThrow();
  });
});
