import { describe, expect, it } from 'vitest';
import { monthBounds } from './overview-screen';

describe('monthBounds', () => {
  it('compares with the same day of last month, or its last day when last month is shorter', () => {
    expect(monthBounds(new Date(Date.UTC(2026, 2, 31)))).toEqual({
      thisStart: '2026-03-01',
      lastStart: '2026-02-01',
      lastSameDay: '2026-02-28',
    });
    expect(monthBounds(new Date(Date.UTC(2026, 0, 15)))).toEqual({
      thisStart: '2026-01-01',
      lastStart: '2025-12-01',
      lastSameDay: '2025-12-15',
    });
  });
});
