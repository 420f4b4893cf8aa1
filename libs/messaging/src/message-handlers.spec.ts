import { Controller, Module } from '@nestjs/common';
import {
  EventPattern as NestEventPattern,
  MessagePattern as NestMessagePattern,
  Payload,
} from '@nestjs/microservices';
import {
  EventPattern as E,
  ItemLinkedEvent,
  ItemRef,
  MessagePattern as P,
  type ItemDto,
  type SealedTokenPair,
  SealedLoginRequest,
} from '@app/contracts';
import { EventHandler, RpcHandler, servedPatterns } from './message-handlers';

const PATTERN_METADATA = 'microservices:pattern';
const PATTERN_HANDLER_METADATA = 'microservices:handler_type';

@Controller()
class TypedHandler {
  @RpcHandler(P.ItemsGet)
  get(@Payload() dto: ItemRef): Promise<ItemDto> {
    return Promise.reject(new Error(dto.itemId));
  }

  @EventHandler(E.ItemLinked)
  linked(@Payload() event: ItemLinkedEvent): Promise<void> {
    return Promise.reject(new Error(event.itemId));
  }
}

// The same handlers with Nest's bare decorators: what the typed ones must register identically.
@Controller()
class BareHandler {
  @NestMessagePattern(P.ItemsGet)
  get(@Payload() dto: ItemRef): Promise<ItemDto> {
    return Promise.reject(new Error(dto.itemId));
  }

  @NestEventPattern(E.ItemLinked)
  linked(@Payload() event: ItemLinkedEvent): Promise<void> {
    return Promise.reject(new Error(event.itemId));
  }
}

@Module({ controllers: [TypedHandler] })
class TypedModule {}

@Module({ imports: [TypedModule], controllers: [BareHandler] })
class RootModule {}

// Compile-time checks (`npm run check` fails when one of these lines compiles): never called.
export function refusedHandlers(): unknown[] {
  class Refused {
    // @ts-expect-error: AuthLogin's payload is a SealedLoginRequest, not an ItemRef
    @RpcHandler(P.AuthLogin)
    wrongPayload(@Payload() dto: ItemRef): Promise<SealedTokenPair> {
      return Promise.reject(new Error(dto.itemId));
    }

    // @ts-expect-error: AuthLogin answers a SealedTokenPair, not an ItemDto
    @RpcHandler(P.AuthLogin)
    wrongAnswer(@Payload() dto: SealedLoginRequest): Promise<ItemDto> {
      return Promise.reject(new Error(dto.email));
    }

    // @ts-expect-error: the handler claims a field the contract does not carry
    @RpcHandler(P.ItemsGet)
    extraField(@Payload() dto: ItemRef & { accountId: string }): Promise<ItemDto> {
      return Promise.reject(new Error(dto.accountId));
    }

    // @ts-expect-error: ItemLinked's payload is an ItemLinkedEvent
    @EventHandler(E.ItemLinked)
    wrongEvent(@Payload() dto: SealedLoginRequest): Promise<void> {
      return Promise.reject(new Error(dto.email));
    }
  }
  return [Refused];
}

describe('typed message handlers', () => {
  it('register the same Nest metadata as @MessagePattern and @EventPattern', () => {
    for (const name of ['get', 'linked'] as const) {
      const typed = TypedHandler.prototype[name];
      const bare = BareHandler.prototype[name];
      expect(Reflect.getMetadata(PATTERN_METADATA, typed)).toEqual(
        Reflect.getMetadata(PATTERN_METADATA, bare),
      );
      expect(Reflect.getMetadata(PATTERN_HANDLER_METADATA, typed)).toBe(
        Reflect.getMetadata(PATTERN_HANDLER_METADATA, bare),
      );
    }
  });

  it('keep the payload class that the validation pipe reads', () => {
    expect(Reflect.getMetadata('design:paramtypes', TypedHandler.prototype, 'get')).toEqual([ItemRef]);
  });

  it('servedPatterns reads every handler of a module tree and names the untyped ones', () => {
    expect(servedPatterns(RootModule)).toEqual({
      rpc: [P.ItemsGet, P.ItemsGet],
      events: [E.ItemLinked, E.ItemLinked],
      untyped: ['BareHandler.get', 'BareHandler.linked'],
    });
  });
});
