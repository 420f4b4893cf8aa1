import { type RmqOptions, Transport } from '@nestjs/microservices';

// amqplib leaves Nagle on, which costs ~44 ms per RPC round trip; every connection turns it off.
const socketOptions = {
  connectionOptions: { noDelay: true },
  heartbeatIntervalInSeconds: 10,
  reconnectTimeInSeconds: 1,
};

export interface RmqServerSettings {
  url: string;
  queue: string;
  prefetch: number;
}

// Consumer side: durable queue, manual acks (RpcAckInterceptor acks), bounded prefetch.
export function rmqServerOptions(s: RmqServerSettings): RmqOptions {
  return {
    transport: Transport.RMQ,
    options: {
      urls: [s.url],
      queue: s.queue,
      queueOptions: { durable: true },
      noAck: false,
      prefetchCount: s.prefetch,
      persistent: true,
      socketOptions,
    },
  };
}

// Producer side. Kept apart from the server options: a client with noAck:false breaks direct reply-to.
export function rmqClientOptions(url: string, queue: string): RmqOptions {
  return {
    transport: Transport.RMQ,
    options: {
      urls: [url],
      queue,
      queueOptions: { durable: true },
      persistent: true,
      socketOptions,
    },
  };
}
