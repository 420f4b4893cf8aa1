import { brokerUrls } from '@app/common';
import { type RmqOptions, Transport } from '@nestjs/microservices';
import { type Options } from 'amqplib';
import { AMQP_SOCKET_OPTIONS } from './amqp-connection';

// Nest's RMQ transport opens its own connections (one per client and per server); they take the socket
// settings of the shared connection.
const socketOptions = AMQP_SOCKET_OPTIONS;

export interface RmqServerSettings {
  // One node's URL or a comma-separated list (RABBITMQ_URL).
  url: string;
  queue: string;
  prefetch: number;
  // How the queue was declared at start-up (declareDurableQueues); the transport redeclares it so on reconnect.
  queueOptions: Options.AssertQueue;
}

// Consumer side: durable queue, manual acks (RpcAckInterceptor acks), bounded prefetch.
export function rmqServerOptions(s: RmqServerSettings): RmqOptions {
  return {
    transport: Transport.RMQ,
    options: {
      urls: brokerUrls(s.url),
      queue: s.queue,
      queueOptions: s.queueOptions,
      noAck: false,
      prefetchCount: s.prefetch,
      persistent: true,
      socketOptions,
    },
  };
}

// Producer side (request/response). Kept apart from the server options: a client with noAck:false breaks direct
// reply-to. Requests are not persistent: a caller waits at most RPC_TIMEOUT_MS for its at-most-once reply, so a
// request that outlived a broker restart would only run after its caller had been answered 503/504 (a login, an
// exchange, a manual sync nobody is waiting for), and persisting each one costs the broker CPU on every read.
// Events, which must survive, go through EventPublisher and the outbox: persistent, with publisher confirms.
export function rmqClientOptions(url: string, queue: string): RmqOptions {
  return {
    transport: Transport.RMQ,
    options: {
      urls: brokerUrls(url),
      queue,
      // The consumer declares its queue; the caller only sends to it, so its broker user needs no configure
      // permission on another service's queue (one that could delete it).
      noAssert: true,
      persistent: false,
      socketOptions,
    },
  };
}
