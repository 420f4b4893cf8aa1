import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { metricsRegistry } from '@app/common';
import { APP_CONFIG, GatewayConfig } from '../config';
import { HealthService } from './health.service';

// The operators' port (METRICS_PORT, 0 = none): Prometheus metrics and readiness with every check named. It is
// never the public PORT, so neither the load balancer nor a client can reach it unless someone routes it.
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server?: Server;

  constructor(
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    private readonly health: HealthService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.METRICS_PORT === 0) return;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.logger.error({ err: (err as Error).message, url: req.url }, 'metrics request failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.METRICS_PORT, this.config.HOST, () => resolve());
    });
    this.server = server;
    this.logger.log({ port: this.config.METRICS_PORT }, 'metrics server listening');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      const text = await metricsRegistry.metrics();
      res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(text);
      return;
    }
    if (req.method === 'GET' && path === '/health/ready') {
      const { ready, checks } = await this.health.readiness();
      res
        .writeHead(ready ? 200 : 503, { 'content-type': 'application/json; charset=utf-8' })
        .end(JSON.stringify({ status: ready ? 'ok' : 'down', checks }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end('{"status":"not found"}');
  }
}
