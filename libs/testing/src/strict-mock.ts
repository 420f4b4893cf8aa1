// A fake that answers only what a test gave it and fails loudly on anything else, so a service that starts
// calling a new collaborator method breaks its spec instead of getting `undefined`.
export function strictMock<T extends object>(name: string, impl: Partial<T> = {}): T {
  return new Proxy(impl as T, {
    get(target, prop, receiver) {
      if (prop in target || typeof prop === 'symbol' || prop === 'then') {
        return Reflect.get(target, prop, receiver) as unknown;
      }
      throw new Error(`${name}.${String(prop)} was called but the test did not provide it`);
    },
  });
}
