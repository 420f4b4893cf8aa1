import { ConfigError, loadConfig, ServiceBaseConfig } from './index';

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
