import { serviceDataSourceOptions } from '@app/database';
import { type DataSourceOptions } from 'typeorm';
import { type AuthConfig } from '../config';
import { RefreshToken } from '../sessions/refresh-token.entity';
import { Session } from '../sessions/session.entity';
import { StreamTicket } from '../stream-tickets/stream-ticket.entity';
import { User } from '../users/user.entity';
import { CreateAuthSchema1763900000000 } from './migrations/1763900000000-CreateAuthSchema';
import { PruneAndThrottle1764400000000 } from './migrations/1764400000000-PruneAndThrottle';
import { AddAuthOutbox1764400600000 } from './migrations/1764400600000-AddAuthOutbox';
import { AddStreamTickets1764500000000 } from './migrations/1764500000000-AddStreamTickets';
import { SessionsAndDeletions1765200000000 } from './migrations/1765200000000-SessionsAndDeletions';

export const AUTH_SCHEMA = 'auth';

export function authDataSourceOptions(config: AuthConfig): DataSourceOptions {
  return serviceDataSourceOptions({
    url: config.DATABASE_URL,
    schema: AUTH_SCHEMA,
    entities: [User, Session, RefreshToken, StreamTicket],
    migrations: [
      CreateAuthSchema1763900000000,
      PruneAndThrottle1764400000000,
      AddAuthOutbox1764400600000,
      AddStreamTickets1764500000000,
      SessionsAndDeletions1765200000000,
    ],
    migrationsRun: config.RUN_MIGRATIONS,
    poolSize: config.DB_POOL_SIZE,
  });
}
