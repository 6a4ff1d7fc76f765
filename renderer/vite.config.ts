import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// The counter UI: one bundle served by `sohoa serve` (and by the Electron shell's station-app: protocol).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    // One local bundle (React + the app, ~400 kB) loaded from disk: splitting would gain nothing.
    chunkSizeWarningLimit: 1000,
  },
});
