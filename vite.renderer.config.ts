import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('./src-renderer', import.meta.url));

// The renderer builds once and runs in two places: Electron loads it from file:// and
// `snapscope serve` from http://127.0.0.1:<port>/ — a relative base works for both.
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  // The teach worker (features/teach/worker) is an ES module like the page.
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
});
