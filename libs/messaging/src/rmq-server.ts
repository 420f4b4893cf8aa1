import { type CustomStrategy, ServerRMQ } from '@nestjs/microservices';
import { rmqServerOptions, type RmqServerSettings } from './rmq-options';

// Nest's ServerRMQ with one hot-path fix: Server.getRouteFromPattern runs JSON.parse on every incoming
// pattern and catches the SyntaxError for plain string patterns, so each of our messages threw and caught an
// exception (~0.1 ms, the largest Nest item in the worker's profile under read load). Our patterns are plain
// strings; object patterns still take Nest's path.
// Kept as an override because Nest offers no public hook here: a custom deserializer could only make every
// pattern valid JSON ('"sync.x"'), which still parses each one and changes the pattern RmqContext reports (our
// metric labels and logs). Re-check on each Nest upgrade (server.js getHandlerByPattern).
export class RmqServer extends ServerRMQ {
  protected override getRouteFromPattern(pattern: string): string {
    return pattern.startsWith('{') ? super.getRouteFromPattern(pattern) : pattern;
  }
}

// The consumer side as a custom strategy: the options of rmqServerOptions, served by RmqServer.
export function rmqServerStrategy(s: RmqServerSettings): CustomStrategy {
  return { strategy: new RmqServer(rmqServerOptions(s).options ?? {}) };
}
