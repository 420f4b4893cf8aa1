import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createSandboxApp } from './app.factory';
import { ConfigError, loadConfig, type SandboxConfig } from './config';

function configOrExit(): SandboxConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(
        `${JSON.stringify({ level: 'fatal', service: 'plaid-sandbox', msg: err.message, problems: err.problems })}\n`,
      );
      process.exit(78);
    }
    throw err;
  }
}

async function bootstrap(): Promise<void> {
  const config = configOrExit();
  const app = await createSandboxApp(config);
  await app.listen(config.port, config.host);
  new Logger('Bootstrap').log(
    { port: config.port, host: config.host, seed: config.seed },
    'plaid-sandbox listening',
  );
}

bootstrap().catch((err: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', service: 'plaid-sandbox', msg: 'failed to start', err: String(err) })}\n`,
  );
  process.exit(1);
});
