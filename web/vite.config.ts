import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  // The dashboard chunk is echarts (bar + line only) and is loaded lazily; 600 kB keeps the warning for real regressions.
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 600 },
  // `vite --config web/vite.config.ts` during development talks to a locally running API.
  server: { proxy: { '/v1': process.env.GUANDIAN_API ?? 'http://127.0.0.1:3000' } },
});
