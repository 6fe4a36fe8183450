import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

const apiAlias = { '@api': resolve(import.meta.dirname, 'electron/api') };

// Three builds: the Node side (Electron main, the CLI, the training worker), the sandboxed
// preload (CommonJS: a sandboxed preload cannot be an ES module) and the Vue renderer.
export default defineConfig({
  main: {
    resolve: { alias: apiAlias },
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: {
        input: {
          main: resolve(import.meta.dirname, 'electron/main/main.ts'),
          cli: resolve(import.meta.dirname, 'electron/cli/main.ts'),
          worker: resolve(import.meta.dirname, 'electron/main/training/worker.ts'),
        },
      },
    },
  },
  preload: {
    resolve: { alias: apiAlias },
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    base: './',
    resolve: { alias: apiAlias },
    plugins: [vue()],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      rollupOptions: { input: resolve(import.meta.dirname, 'renderer/index.html') },
    },
  },
});
