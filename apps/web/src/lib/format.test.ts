import { describe, expect, it } from 'vitest';
import { formatSigned, formatWait, humanize } from './format';

describe('formatWait', () => {
  it('says a long wait in minutes or hours, never in raw seconds', () => {
    expect(formatWait(3)).toBe('a few seconds');
    expect(formatWait(45)).toBe('45 seconds');
    expect(formatWait(728)).toBe('13 minutes');
    expect(formatWait(3600 * 2)).toBe('2 hours');
  });
});

describe('formatSigned', () => {
  it("shows Plaid's negative amounts (money in) with a plus", () => {
    expect(formatSigned(-12.5, 'USD')).toMatch(/^\+/);
    expect(formatSigned(12.5, 'USD')).toMatch(/^−/);
  });
});

describe('humanize', () => {
  it('turns a Plaid category into words', () => {
    expect(humanize('FOOD_AND_DRINK')).toBe('Food and drink');
  });
});
