import { pgInputError, pgSqlState } from './pg-errors';

// The shapes pg and TypeORM throw, without a database.
function pgError(code: string, message = 'invalid input syntax for type date: "2024-W01-1"'): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR' });
}

function queryFailed(driverError: Error): Error {
  return Object.assign(new Error(driverError.message), { ...driverError, driverError });
}

describe('pgInputError', () => {
  it.each(['22007', '22008', '22P02', '22021', '22003'])(
    'maps data exception %s to an input error',
    (code) => {
      expect(pgInputError(pgError(code))).toEqual({
        sqlState: code,
        message: 'A value in the request is not valid',
      });
    },
  );

  it('reads the SQLSTATE through TypeORM’s QueryFailedError', () => {
    expect(pgInputError(queryFailed(pgError('22008')))?.sqlState).toBe('22008');
  });

  it('never repeats Postgres’ message, which quotes the refused value', () => {
    expect(
      pgInputError(pgError('22P02', 'invalid input syntax for type uuid: "secret"'))?.message,
    ).not.toContain('secret');
  });

  it.each([
    ['a unique violation', pgError('23505')],
    ['a lost connection', pgError('08006')],
    ['a serialization failure', pgError('40001')],
    ['a Node error code', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })],
    ['a plain error', new Error('boom')],
    ['a string', '22007'],
    ['null', null],
  ])('answers null for %s', (_what, err) => {
    expect(pgInputError(err)).toBeNull();
  });
});

describe('pgSqlState', () => {
  it('falls back to the driver error when the wrapper has no code', () => {
    expect(pgSqlState({ driverError: pgError('22P02') })).toBe('22P02');
  });
});
