// Shared by auth's service specs only: the test database, a config, and `authServiceTest`, the service under test
// built from the real feature modules with a fake for the broker (the outbox relay).
import { type DynamicModule, type Type } from '@nestjs/common';
import { OutboxRelay } from '@app/messaging';
import { type ServiceTest, TestDatabase, fake, newServiceTest } from '@app/testing';
import { AuthConfig, AppConfigModule } from './config';
import { AUTH_SCHEMA, authDataSourceOptions } from './database/database';

export function authTestConfig(url = 'postgres://unused'): AuthConfig {
  return Object.assign(new AuthConfig(), {
    DATABASE_URL: url,
    RUN_MIGRATIONS: true,
    DB_POOL_SIZE: 5,
    QUEUE_PREFIX: 'spec',
    RABBITMQ_URL: 'amqp://127.0.0.1:1',
    JWT_SECRET: 'spec-secret-spec-secret-spec-secret-0123',
    BROKER_SEALING_SECRET: 'spec-sealing-spec-sealing-spec-sealing-01',
    // The cheapest argon2 the config accepts: these specs test rules, not hashing cost.
    ARGON2_MEMORY_KIB: 8192,
    ARGON2_TIME_COST: 1,
    LOGIN_RATE_LIMIT_PER_EMAIL_AND_IP: 3,
    LOGIN_RATE_LIMIT_PER_IP: 5,
    LOGIN_RATE_WINDOW_SECONDS: 60,
    LOGIN_EMAIL_DELAY_AFTER_FAILURES: 3,
    LOGIN_EMAIL_DELAY_SECONDS: 2,
    LOGIN_EMAIL_DELAY_MAX_SECONDS: 30,
    SIGNUP_RATE_LIMIT_PER_IP: 3,
    SIGNUP_RATE_WINDOW_SECONDS: 60,
    REFRESH_RATE_LIMIT_PER_SESSION: 3,
    REFRESH_RATE_WINDOW_SECONDS: 60,
  });
}

export function createAuthTestDatabase(): Promise<TestDatabase> {
  return TestDatabase.create(AUTH_SCHEMA, (url) => authDataSourceOptions(authTestConfig(url)));
}

// One line per spec file: `Service` from auth's real feature modules on a fresh database, the outbox relay (the
// broker's side of the outbox: the outbox rows themselves are real) faked.
export function authServiceTest<S>(
  Service: Type<S>,
  features: (Type | DynamicModule)[],
  fakes: {
    relay?: Pick<OutboxRelay, 'kick'>;
    config?: Partial<AuthConfig>;
    // A second module on the file's database instead of a fresh one: stop it without close(), which drops it.
    db?: TestDatabase;
  } = {},
): Promise<ServiceTest<S>> {
  const { relay = { kick: () => undefined }, config = {}, db } = fakes;
  return newServiceTest(Service, {
    database: db ? () => Promise.resolve(db) : createAuthTestDatabase,
    imports: (db) => [AppConfigModule.forRoot(Object.assign(authTestConfig(db.url), config)), ...features],
    fakes: [fake(OutboxRelay, relay)],
  });
}

export async function resetAuthTables(db: TestDatabase): Promise<void> {
  await db.dataSource.query(
    `TRUNCATE users, sessions, refresh_tokens, stream_tickets, login_attempts, outbox, deletions CASCADE`,
  );
}
