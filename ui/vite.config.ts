import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The web UI: built into ui/dist, served by `trunkline server`; no CDN, no external font. */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', sourcemap: false, chunkSizeWarningLimit: 800 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
