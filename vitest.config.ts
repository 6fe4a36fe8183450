import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// Unit tests sit next to the code (*.test.ts). Playwright's e2e/*.spec.ts are not ours.
export default defineConfig({
  plugins: [vue()],
  resolve: { alias: { '@api': resolve(import.meta.dirname, 'electron/api') } },
  test: {
    include: ['{electron,engine,storage,renderer,figure,research}/**/*.test.ts'],
    exclude: ['node_modules/**', 'out/**', 'e2e/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
