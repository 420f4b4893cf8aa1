import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { LoggingModule, acceptRequestId } from '@app/common';
import { serializeRequest } from './redact-url';
import { RequestContextInterceptor } from './request-context.interceptor';

// Structured request logs, and every handler run inside its request's context (the id RPC calls carry).
@Module({})
export class GatewayLoggingModule {
  static forRoot(level: string): DynamicModule {
    return {
      module: GatewayLoggingModule,
      imports: [
        LoggingModule.forRoot({
          service: 'gateway',
          level,
          http: {
            // Fastify already chose the id (see main.ts) and put it back in the header.
            genReqId: (req) => acceptRequestId(req.headers['x-request-id']),
            customProps: () => ({}),
            // The event stream's ticket is a credential in the URL.
            serializers: {
              req: serializeRequest,
            },
          },
        }),
      ],
      providers: [{ provide: APP_INTERCEPTOR, useClass: RequestContextInterceptor }],
    };
  }
}
