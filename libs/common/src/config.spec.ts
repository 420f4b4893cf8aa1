import { brokerUrls, ConfigError, loadConfig, ServiceBaseConfig } from './index';

describe(loadConfig.name, () => {
  it('applies defaults when variables are absent', () => {
    const config = loadConfig(ServiceBaseConfig, {});
    expect(config.RUN_MIGRATIONS).toBe(true);
    expect(config.DB_POOL_SIZE).toBe(10);
  });

  it('reads "false" as false and numbers as numbers', () => {
    const config = loadConfig(ServiceBaseConfig, { RUN_MIGRATIONS: 'false', DB_POOL_SIZE: '4' });
    expect(config.RUN_MIGRATIONS).toBe(false);
    expect(config.DB_POOL_SIZE).toBe(4);
  });

  it('names every bad variable in one error', () => {
    let caught: unknown;
    try {
      loadConfig(ServiceBaseConfig, {
        DATABASE_URL: 'mysql://x',
        RABBITMQ_URL: 'http://x',
        DB_POOL_SIZE: 'lots',
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toContain('DATABASE_URL');
    expect(problems).toContain('RABBITMQ_URL');
    expect(problems).toContain('DB_POOL_SIZE');
  });
});

describe('broker settings', () => {
  it('declares quorum queues unless QUEUE_TYPE says classic, and refuses other types', () => {
    expect(loadConfig(ServiceBaseConfig, {}).QUEUE_TYPE).toBe('quorum');
    expect(loadConfig(ServiceBaseConfig, { QUEUE_TYPE: 'classic' }).QUEUE_TYPE).toBe('classic');
    expect(() => loadConfig(ServiceBaseConfig, { QUEUE_TYPE: 'mirrored' })).toThrow(/QUEUE_TYPE/);
  });

  it('takes a comma-separated list of nodes in RABBITMQ_URL, and refuses a list with a bad entry', () => {
    const list = 'amqp://u:p@rabbit-1:5672, amqp://u:p@rabbit-2:5672,amqps://u:p@rabbit-3:5671';

    expect(loadConfig(ServiceBaseConfig, { RABBITMQ_URL: list }).RABBITMQ_URL).toBe(list);
    expect(brokerUrls(list)).toEqual([
      'amqp://u:p@rabbit-1:5672',
      'amqp://u:p@rabbit-2:5672',
      'amqps://u:p@rabbit-3:5671',
    ]);
    expect(() => loadConfig(ServiceBaseConfig, { RABBITMQ_URL: 'amqp://a:5672,http://b' })).toThrow(
      /RABBITMQ_URL/,
    );
    expect(() => loadConfig(ServiceBaseConfig, { RABBITMQ_URL: 'amqp://a:5672,' })).toThrow(/RABBITMQ_URL/);
  });
});
