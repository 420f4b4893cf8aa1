// Every auth table that holds a user's data, and how an account deletion clears it. Run in this order, in one
// transaction, as the saga's last step; `sql` takes one parameter, the user id or (by: 'email') the user's email.
// deletions.service.int-spec.ts fails when a table of the schema with a user_id column is missing here: a new table
// must say how it is deleted.
export type DeletionEntry =
  | { table: string; by: 'userId' | 'email'; sql: string }
  // Cleared by other code, said where.
  | { table: string; clearedBy: string };

export const AUTH_DELETION_REGISTRY: readonly DeletionEntry[] = [
  { table: 'stream_tickets', by: 'userId', sql: `DELETE FROM stream_tickets WHERE user_id = $1` },
  // Throttle windows and known addresses are keyed by the email (login-email:…, login-email-ip:…|email, …).
  {
    table: 'login_attempts',
    by: 'email',
    sql: `DELETE FROM login_attempts
           WHERE key = 'login-email:' || $1::text
              OR ((key LIKE 'login-email-ip:%' OR key LIKE 'login-known:%')
                  AND right(key, length($1::text) + 1) = '|' || $1::text)`,
  },
  // Refresh tokens go with their sessions (ON DELETE CASCADE).
  { table: 'sessions', by: 'userId', sql: `DELETE FROM sessions WHERE user_id = $1` },
  { table: 'users', by: 'userId', sql: `DELETE FROM users WHERE id = $1` },
  { table: 'deletions', clearedBy: 'DeletionsRepository.complete (the row forgets the user id)' },
];
