import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: 'client',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2500 },
  server: { host: '127.0.0.1', proxy: { '/api': 'http://127.0.0.1:8080', '/tiles': 'http://127.0.0.1:8080', '/styles': 'http://127.0.0.1:8080', '/collections': 'http://127.0.0.1:8080' } },
  test: {
    root: '.',
    include: ['test/**/*.test.ts'],
    // Test files share one PostGIS test database and two cores: run them one after another.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
