// Shared by auth's service specs only: the test database, a config, and a testing module built from the real
// feature modules with a fake for the outbox relay (the broker's side of the outbox).
import { type DynamicModule, type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxRelay } from '@app/messaging';
import { TestDatabase, strictMock } from '@app/testing';
import { AuthConfig, AuthConfigModule } from './config';
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

export async function authTestingModule(
  db: TestDatabase,
  features: (Type | DynamicModule)[],
  fakes: {
    relay?: Pick<OutboxRelay, 'kick'>;
    config?: Partial<AuthConfig>;
  } = {},
): Promise<TestingModule> {
  const { relay = { kick: () => undefined }, config = {} } = fakes;
  const builder = Test.createTestingModule({
    imports: [
      AuthConfigModule.forRoot(Object.assign(authTestConfig(db.url), config)),
      TypeOrmModule.forRootAsync({
        useFactory: () => db.dataSource.options,
        dataSourceFactory: () => Promise.resolve(db.dataSource),
      }),
      ...features,
    ],
  })
    // The relay is the broker's side of the outbox: faked; the outbox rows themselves are real.
    .overrideProvider(OutboxRelay)
    .useValue(strictMock<OutboxRelay>('OutboxRelay', relay));
  const moduleRef = await builder.compile();
  return moduleRef.init();
}

export async function resetAuthTables(db: TestDatabase): Promise<void> {
  await db.dataSource.query(
    `TRUNCATE users, sessions, refresh_tokens, stream_tickets, login_attempts, outbox, deletions CASCADE`,
  );
}
