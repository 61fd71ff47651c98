// Builds the single-page UI into dist/ (index.html + hashed files under assets/), which the server
// serves at `/`. No plugins: esbuild compiles the TSX with Preact's automatic JSX runtime. The
// client library is compiled from its sources, so the UI builds whatever order npm builds the
// workspaces in. `npm run dev -w packages/web` serves it with live reload, sending /api to a
// server on port 6900.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: {
    alias: { '@argilla-ts/client': fileURLToPath(new URL('../client/src/index.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill would be one more script; every browser the UI targets has modulepreload.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': 'http://localhost:6900' } },
});
