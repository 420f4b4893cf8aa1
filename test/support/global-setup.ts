import { TestSystem } from './system';

declare global {
  var __E2E_SYSTEM__: TestSystem | undefined;
}

export default async function globalSetup(): Promise<void> {
  const system = await TestSystem.create();
  globalThis.__E2E_SYSTEM__ = system;
  try {
    await system.start();
  } catch (err) {
    await system.stop().catch(() => undefined);
    throw err;
  }
}
