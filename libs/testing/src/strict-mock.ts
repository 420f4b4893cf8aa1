// Nest asks every provider whether it has lifecycle hooks; a fake answers "none" rather than failing.
const LIFECYCLE_HOOKS = new Set<PropertyKey>([
  'onModuleInit',
  'onApplicationBootstrap',
  'onModuleDestroy',
  'beforeApplicationShutdown',
  'onApplicationShutdown',
]);

// A fake that answers only what a test gave it and fails loudly on anything else, so a service that starts
// calling a new collaborator method breaks its spec instead of getting `undefined`. Usable as a Nest provider.
export function strictMock<T extends object>(name: string, impl: Partial<T> = {}): T {
  return new Proxy(impl as T, {
    get(target, prop, receiver) {
      if (prop in target || typeof prop === 'symbol' || prop === 'then' || LIFECYCLE_HOOKS.has(prop)) {
        return Reflect.get(target, prop, receiver) as unknown;
      }
      throw new Error(`${name}.${String(prop)} was called but the test did not provide it`);
    },
  });
}
