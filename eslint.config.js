// Lint doubles as the architecture's guard: the import-boundary rules below make a layer
// violation a lint error (see electron/api/lint-boundaries.test.ts and lint-fixtures/).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';

const uiLibs = ['vue', 'pinia', 'echarts', 'echarts/*', 'echarts/**', '@vue/*', 'zod', 'zod/*'];

/** Restrictions on a folder: `paths` and `patterns` are forbidden module specifiers. */
function boundary(files, patterns, message) {
  return {
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: patterns.map((p) => ({ ...p, message: `${message} ${p.message ?? ''}`.trim() })) },
      ],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'e2e/artifacts/**',
      'test-results/**',
      'playwright-report/**',
      '**/lint-fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, sourceType: 'module' } },
  },
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      // TypeScript checks names itself (with the right lib per tsconfig); no-undef only misfires.
      'no-undef': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/first-attribute-linebreak': 'off',
    },
  },
  {
    files: ['bin/**/*.js', '*.config.js', '.ci/**/*.js'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
  },
  // engine/: pure TypeScript on tfjs. Never the host, the store or the UI.
  boundary(
    ['engine/**/*.ts'],
    [
      { group: ['electron', 'electron/*', 'better-sqlite3', ...uiLibs.filter((l) => !l.startsWith('zod'))] },
      { regex: '(^|/)(storage|electron|renderer)(/|$)', message: '(cross-layer path)' },
    ],
    'engine/ may import only tfjs, zod and its own files.',
  ),
  // figure/: the figure model shared by the renderer and the host's exporter: pure, DOM- and Node-free.
  {
    files: ['figure/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!echarts($|/)|vitest$|@api/|\\./)',
              message: 'figure/ may import only echarts, the api contract types (@api/*) and its own files.',
            },
            { regex: '^@api/', allowTypeImports: true, message: 'figure/ may import the api contract as types only.' },
          ],
        },
      ],
    },
  },
  // electron/api/: the contract every client reads (the renderer's typecheck includes it): zod and
  // its own files; from the store only storage/types (import-free constants: the status list that
  // statuses.ts re-exports, the metric summary statistics that columnIds.ts reads);
  // from the engine only *types*: the run spec's static type is the registry's union
  // (engine/spec/runSpec.ts), and a type import is erased, so no engine code reaches a client.
  {
    files: ['electron/api/**/*.ts'],
    ignores: ['electron/api/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!zod$|\\.{1,2}/)',
              message: 'electron/api/ may import only zod and its own files (it is the contract the renderer reads).',
            },
            {
              regex: '^\\.\\./\\.\\./storage(?!/types$)(/|$)',
              message: 'electron/api/ may import from storage only its import-free constants (storage/types).',
            },
            {
              regex: '^\\.\\./\\.\\./engine/',
              allowTypeImports: true,
              message: 'electron/api/ may import engine *types* only (`import type`): the renderer bundle must not pull engine code.',
            },
            {
              regex: '^\\.\\./(main|cli|preload)(/|$)|(^|/)renderer(/|$)',
              message: 'electron/api/ may not reach the host, the CLI, the preload or the UI.',
            },
          ],
        },
      ],
    },
  },
  // storage/: better-sqlite3 and its own files; engine only for types.
  {
    files: ['storage/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*', 'vue', 'pinia', 'echarts', 'echarts/*', '@tensorflow/*'],
              message: 'storage/ may import only better-sqlite3, its own files and engine types.',
            },
            { regex: '(^|/)(electron|renderer)(/|$)', message: 'storage/ may not reach the host or the UI.' },
            {
              regex: '(^|/)engine(/|$)',
              allowTypeImports: true,
              message: 'storage/ may import engine *types* only (use `import type`).',
            },
          ],
        },
      ],
    },
  },
  // renderer/: vue, pinia, echarts and the api contract's *types*; nothing else outside itself.
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', navigator: 'readonly' } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!vue$|pinia$|echarts($|/)|@vue/test-utils$|vitest$|@api/|\\.{1,2}/)',
              message: 'renderer/ may import only vue, pinia, echarts and the api contract types (@api/*).',
            },
            {
              regex: '^@api/(?!client$|channels$|errors$|statuses$|columnIds$)',
              allowTypeImports: true,
              message: 'renderer/ may import the api contract as types only (`import type`); only the schema-free client builder (@api/client, @api/channels, @api/errors), the status list (@api/statuses) and the column ids (@api/columnIds) as values.',
            },
            {
              regex: '^\\.{1,2}/.*(^|/)(engine|storage|electron)(/|$)',
              message: 'renderer/ reaches the host only through the api contract.',
            },
          ],
        },
      ],
    },
  },
);
