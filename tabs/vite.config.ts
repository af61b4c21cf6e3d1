import { defineConfig } from 'vite';

/**
 * The tab pages, built to tabs/dist and served by the Offramp server under /tabs/
 * (every /tabs/* path falls back to index.html, so deep links from Teams static tabs work).
 *
 * JSX uses Vite's built-in transform with React's automatic runtime: no Babel plugin.
 * `npx vite` (dev server) proxies /api to a running Offramp server, by default on :3978.
 */
const apiTarget = process.env.OFFRAMP_API_URL ?? 'http://127.0.0.1:3978';

export default defineConfig({
  base: '/tabs/',
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'react' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      onwarn(warning, warn) {
        // Fluent UI marks its modules 'use client' (for React Server Components); harmless in a SPA.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    port: 5173,
    strictPort: false,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
});
