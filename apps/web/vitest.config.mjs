// Component tests (Vitest + Testing Library) beside the components: `npm run test:web`.
import { defineConfig, mergeConfig } from 'vitest/config';
import app from './vite.config.mjs';

export default mergeConfig(
  app,
  defineConfig({
    test: {
      root: import.meta.dirname,
      environment: 'jsdom',
      include: ['src/**/*.test.{ts,tsx}'],
      setupFiles: ['./src/test/setup.ts'],
      restoreMocks: true,
      // Generous: the machine is shared, and jsdom with user-event is slow under load.
      testTimeout: 30_000,
    },
  }),
);
