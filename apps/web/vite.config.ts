import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  plugins: [react()],
  // PGlite ships its own wasm and data files; pre-bundling would lose them.
  optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  // The app bundles the SQL files of ../../supabase (the one schema source).
  server: { port: 5173, strictPort: false, fs: { allow: [repoRoot] } },
  preview: { port: 4173 },
  worker: { format: 'es' },
  build: {
    chunkSizeWarningLimit: 4096,
    // render-bench.html: the page `pnpm bench` drives in Chromium (not linked from the app).
    rollupOptions: { input: { main: 'index.html', 'render-bench': 'render-bench.html' } },
  },
});
