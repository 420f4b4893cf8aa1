import { type DynamicModule, type ForwardReference, type Type } from '@nestjs/common';
import { MetadataScanner } from '@nestjs/core';
import {
  EventPattern as NestEventPattern,
  MessagePattern as NestMessagePattern,
} from '@nestjs/microservices';
import {
  type EventPattern,
  type EventPayload,
  type RpcPattern,
  type RpcRequest,
  type RpcResponse,
} from '@app/contracts';

// Handlers typed against the contract. `@RpcHandler(P.X)` / `@EventHandler(E.X)` register the method exactly as
// Nest's `@MessagePattern` / `@EventPattern` do (the payload's class, read by the validation pipe, is untouched),
// and refuse to compile when the method's payload or answer disagrees with RpcContract / EventContract. They
// also mark the method, so a spec can tell a typed handler from a bare Nest decorator.

const TYPED_HANDLER = 'contracts:typed-handler';

// The payload parameter must take what the contract sends and claim nothing the contract does not carry:
// the two types are assignable both ways (a DTO class with the contract's fields). A method without a
// payload parameter ignores it.
type PayloadMatches<M, Req> = M extends () => unknown
  ? true
  : M extends (payload: infer X, ...rest: never[]) => unknown
    ? [Req] extends [X]
      ? [X] extends [Req]
        ? true
        : false
      : false
    : false;

// A decorator whose return type is not void (or a descriptor) is a compile error that quotes this text.
type PayloadDoesNotMatchTheContract = { payloadDoesNotMatchTheContract: true };

export function RpcHandler<P extends RpcPattern>(pattern: P) {
  return <M extends (payload: RpcRequest<P>) => RpcResponse<P> | Promise<RpcResponse<P>>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): PayloadMatches<M, RpcRequest<P>> extends true ? void : PayloadDoesNotMatchTheContract => {
    NestMessagePattern(pattern)(target, key, descriptor);
    Reflect.defineMetadata(TYPED_HANDLER, pattern, descriptor.value as object);
    return undefined as never;
  };
}

export function EventHandler<E extends EventPattern>(pattern: E) {
  return <M extends (payload: EventPayload<E>) => Promise<void> | void>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): PayloadMatches<M, EventPayload<E>> extends true ? void : PayloadDoesNotMatchTheContract => {
    NestEventPattern(pattern)(target, key, descriptor);
    Reflect.defineMetadata(TYPED_HANDLER, pattern, descriptor.value as object);
    return undefined as never;
  };
}

// Nest's own metadata keys (@nestjs/microservices constants and PatternHandler), read without booting the app.
const PATTERN_METADATA = 'microservices:pattern';
const PATTERN_HANDLER_METADATA = 'microservices:handler_type';
const EVENT_HANDLER = 2;

export interface ServedPatterns {
  rpc: string[];
  events: string[];
  // `Class.method` of handlers registered with a bare @MessagePattern/@EventPattern instead of a typed decorator.
  untyped: string[];
}

type ModuleRef = Type | DynamicModule | ForwardReference | Promise<DynamicModule> | undefined;

// Every pattern the controllers of a module tree serve, read from Nest's metadata: no providers are built, no
// database or broker is needed.
export function servedPatterns(root: Type | DynamicModule): ServedPatterns {
  const served: ServedPatterns = { rpc: [], events: [], untyped: [] };
  const scanner = new MetadataScanner();
  const seenModules = new Set<unknown>();
  const seenControllers = new Set<Type>();
  const visit = (ref: ModuleRef): void => {
    if (!ref || ref instanceof Promise || seenModules.has(ref)) return;
    seenModules.add(ref);
    if ('forwardRef' in ref) return visit((ref.forwardRef as () => ModuleRef)());
    const dynamic = 'module' in ref ? ref : undefined;
    const type = dynamic ? dynamic.module : (ref as Type);
    const meta = (key: string): unknown[] => (Reflect.getMetadata(key, type) as unknown[] | undefined) ?? [];
    for (const m of [...meta('imports'), ...(dynamic?.imports ?? [])]) visit(m as ModuleRef);
    for (const c of [...meta('controllers'), ...(dynamic?.controllers ?? [])] as Type[]) {
      if (seenControllers.has(c)) continue;
      seenControllers.add(c);
      const proto = c.prototype as Record<string, object>;
      for (const name of scanner.getAllMethodNames(proto)) {
        const method = proto[name];
        const patterns = (Reflect.getMetadata(PATTERN_METADATA, method) as unknown[] | undefined) ?? [];
        if (patterns.length === 0) continue;
        const kind =
          Reflect.getMetadata(PATTERN_HANDLER_METADATA, method) === EVENT_HANDLER ? 'events' : 'rpc';
        served[kind].push(...patterns.map(String));
        if (Reflect.getMetadata(TYPED_HANDLER, method) === undefined)
          served.untyped.push(`${c.name}.${name}`);
      }
    }
  };
  visit(root);
  served.rpc.sort();
  served.events.sort();
  return served;
}
