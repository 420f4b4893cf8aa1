// The web app: `npm run build` (scripts/build-web.mjs) writes dist/web, which the gateway serves at /;
// `npm run dev:web` serves it with hot reload and sends the API and the event stream to a gateway on :3000.
import { defineConfig } from 'vite';

const gateway = process.env.GATEWAY_URL ?? 'http://localhost:3000';

export default defineConfig({
  root: import.meta.dirname,
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Inline nothing: the gateway's CSP allows scripts and styles from itself only.
    assetsInlineLimit: 0,
    sourcemap: true,
    rolldownOptions: {
      // TanStack Query marks its modules "use client" for React Server Components; meaningless in this SPA.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    proxy: { '/v1': { target: gateway, changeOrigin: false } },
  },
});
