import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { brokerUrls } from '@app/common';
import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import { type ConfirmChannel, type ConsumeMessage, type Options } from 'amqplib';

// amqps:// needs nothing more when the broker's certificate chains to a public CA. A private CA, and a client
// certificate for brokers that require one, come from files named by these variables (read once, at start; a
// missing file stops the service). On an amqp:// URL they are ignored.
export function amqpTlsOptions(env: NodeJS.ProcessEnv = process.env): {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
} {
  const read = (variable: string): Buffer | undefined =>
    env[variable] ? readFileSync(env[variable]) : undefined;
  const [ca, cert, key] = ['RABBITMQ_CA_FILE', 'RABBITMQ_CERT_FILE', 'RABBITMQ_KEY_FILE'].map(read);
  return { ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }) };
}

// The one place that says how this system talks to RabbitMQ: amqplib leaves Nagle on (~44 ms per RPC round
// trip), heartbeats find a dead peer within ~20 s, and a lost connection is retried every second. The shared
// connection below and Nest's RMQ transport (rmq-options.ts) both take it from here.
export const AMQP_SOCKET_OPTIONS = {
  connectionOptions: { noDelay: true, ...amqpTlsOptions() },
  heartbeatIntervalInSeconds: 10,
  reconnectTimeInSeconds: 1,
};

// A mandatory message that no queue took: the broker returned it (a queue nobody has declared yet).
export class UnroutableMessageError extends Error {
  constructor(exchange: string, routingKey: string) {
    super(`no queue took the message (exchange '${exchange}', routing key '${routingKey}')`);
    this.name = 'UnroutableMessageError';
  }
}

export interface ConfirmedPublishOptions {
  headers?: Record<string, unknown>;
  type?: string;
  // Persistent unless said otherwise: whatever goes through here must survive a broker restart.
  persistent?: boolean;
  // The broker returns a mandatory message that no queue takes; the publish then fails instead of vanishing.
  mandatory?: boolean;
  timeoutMs?: number;
}

type ChannelSetup = (ch: ConfirmChannel) => Promise<unknown>;

// One amqp-connection-manager connection per process, with named confirm channels on it: the event publisher,
// the outbox relay, the retry/dead-letter re-publisher and the broadcast publisher/subscriber share it. Nest
// provides it (MessagingModule), so a test replaces it with a fake through DI.
export class AmqpConnection implements OnApplicationShutdown {
  private readonly logger = new Logger(AmqpConnection.name);
  private readonly manager: AmqpConnectionManager;
  private readonly channels = new Map<string, ChannelWrapper>();
  // Messages the broker returned, by messageId; read once the publish is confirmed (a return precedes its ack).
  private readonly returned = new Set<string>();

  // `url`: one node's URL or a comma-separated list of a cluster's nodes (RABBITMQ_URL).
  constructor(url: string) {
    this.manager = amqp.connect(brokerUrls(url), AMQP_SOCKET_OPTIONS);
    // The node (host:port, never the credentials): on a cluster, which one this process is on after a failover.
    this.manager.on('connect', ({ url }) =>
      this.logger.log({ node: typeof url === 'string' ? new URL(url).host : undefined }, 'broker connected'),
    );
    this.manager.on('disconnect', ({ err }) =>
      this.logger.warn({ err: err?.message }, 'broker disconnected'),
    );
  }

  isConnected(): boolean {
    return this.manager.isConnected();
  }

  // Resolves once the broker is reachable; rejects after timeoutMs (start-up fails fast and is restarted).
  async waitForConnect(timeoutMs = 15_000): Promise<void> {
    // connect() waits for the next 'connect' event, which never comes when the connection is already up.
    if (this.isConnected()) return;
    await this.manager.connect({ timeout: timeoutMs });
  }

  // The named channel, created on first use; `setup` runs on every (re)connect before anything is sent on it.
  channel(name: string, setup?: ChannelSetup): ChannelWrapper {
    const existing = this.channels.get(name);
    if (existing) {
      if (setup) {
        existing
          .addSetup(setup)
          .catch((err: unknown) =>
            this.logger.error({ channel: name, err: String(err) }, 'channel setup failed'),
          );
      }
      return existing;
    }
    const channel = this.manager.createChannel({
      name,
      json: false,
      confirm: true,
      setup: async (ch: ConfirmChannel) => {
        ch.on('return', (msg: ConsumeMessage) => {
          const id = msg.properties.messageId as unknown;
          if (typeof id === 'string') this.returned.add(id);
        });
        if (setup) await setup(ch);
      },
    });
    // A failed setup is retried on the next reconnect; without a listener the 'error' event would throw.
    channel.on('error', (err: Error) =>
      this.logger.error({ channel: name, err: err.message }, 'channel error'),
    );
    this.channels.set(name, channel);
    return channel;
  }

  // Declares queues (or anything else) once, on a short-lived channel of the shared connection, e.g. a consumer's
  // queues at start-up. A refusal (a queue declared with other arguments) rejects instead of being retried.
  async declare(setup: ChannelSetup): Promise<void> {
    await this.waitForConnect();
    const connection = this.manager.connection;
    if (!connection) throw new Error('broker not connected');
    const ch = await connection.createConfirmChannel();
    // The refusal reaches the caller as the rejected call; unheard, the channel's 'error' would end the connection.
    ch.on('error', () => undefined);
    try {
      await setup(ch);
    } finally {
      await ch.close().catch(() => undefined);
    }
  }

  // Publishes and resolves when the broker has confirmed the message (on disk, for a persistent one to a
  // durable queue). Fails at once while the broker is down: callers keep the message (outbox) or answer 503.
  async publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: ConfirmedPublishOptions = {},
    channelName = 'publish',
  ): Promise<void> {
    if (!this.isConnected()) throw new Error('broker not connected');
    const messageId = randomUUID();
    const publishOptions: Options.Publish & { timeout?: number } = {
      persistent: options.persistent ?? true,
      mandatory: options.mandatory ?? false,
      contentType: 'application/json',
      headers: options.headers ?? {},
      messageId,
      timeout: options.timeoutMs ?? 5000,
    };
    if (options.type !== undefined) publishOptions.type = options.type;
    try {
      await this.channel(channelName).publish(exchange, routingKey, content, publishOptions);
    } catch (err) {
      this.returned.delete(messageId);
      throw err;
    }
    if (this.returned.delete(messageId)) throw new UnroutableMessageError(exchange, routingKey);
  }

  // To a queue through the default exchange, mandatory unless said otherwise.
  sendToQueue(
    queue: string,
    content: Buffer,
    options: ConfirmedPublishOptions = {},
    channelName = 'publish',
  ): Promise<void> {
    return this.publish('', queue, content, { mandatory: true, ...options }, channelName);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    const channels = [...this.channels.values()];
    this.channels.clear();
    await Promise.allSettled(channels.map((c) => c.close()));
    await this.manager.close().catch(() => undefined);
  }
}
