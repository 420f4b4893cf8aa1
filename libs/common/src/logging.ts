import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type Options as PinoHttpOptions } from 'pino-http';
import { requestContext } from './request-context';

// Paths pino removes from every log line, whatever logs them.
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["plaid-verification"]',
  'req.headers["plaid-secret"]',
  '*.password',
  '*.refreshToken',
  '*.accessToken',
  '*.access_token',
  '*.secret',
  '*.publicToken',
  '*.public_token',
  'password',
  'refreshToken',
  'accessToken',
  'access_token',
  'secret',
];

export interface LoggingOptions {
  service: string;
  level: string;
  http?: Partial<PinoHttpOptions>;
}

@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions): DynamicModule {
    return {
      module: LoggingModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: options.level,
            base: { service: options.service },
            redact: { paths: REDACT_PATHS, censor: '[redacted]' },
            mixin: () => {
              const requestId = requestContext.requestId();
              return requestId ? { requestId } : {};
            },
            autoLogging: options.http ? undefined : false,
            ...options.http,
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
