import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The layer rules in eslint.config.js, checked on code placed (virtually) in each layer.
const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath });
  return (r?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it('engine may not import the store, the host or the UI', async () => {
    const fixture = readFileSync(join(import.meta.dirname, 'lint-fixtures', 'engine-imports-storage.ts'), 'utf8');
    expect(await ruleIds('engine/data/x.ts', fixture)).not.toEqual([]);
    expect(await ruleIds('engine/x.ts', "import { app } from 'electron';\nexport const a = app;")).not.toEqual([]);
    expect(await ruleIds('engine/x.ts', "import { ref } from 'vue';\nexport const a = ref;")).not.toEqual([]);
    expect(await ruleIds('engine/x.ts', "import * as tf from '@tensorflow/tfjs';\nexport const a = tf;")).toEqual([]);
  });

  it('storage may not import the host or the UI, and engine only as types', async () => {
    expect(await ruleIds('storage/x.ts', "import { app } from 'electron';\nexport const a = app;")).not.toEqual([]);
    expect(await ruleIds('storage/x.ts', "import { ref } from 'vue';\nexport const a = ref;")).not.toEqual([]);
    expect(await ruleIds('storage/x.ts', "import { parseRunSpec } from '../engine/spec';\nexport const a = parseRunSpec;")).not.toEqual([]);
    expect(await ruleIds('storage/x.ts', "import type { RunSpec } from '../engine/spec';\nexport type A = RunSpec;")).toEqual([]);
  });

  it('the api contract may import zod, its own files, storage/types and engine types only', async () => {
    expect(await ruleIds('electron/api/x.ts', "import type { RunSpecInput } from '../../engine/spec/runSpec';\nexport type A = RunSpecInput;")).toEqual([]);
    expect(await ruleIds('electron/api/x.ts', "import { RUN_STATUSES } from '../../storage/types';\nimport { z } from 'zod';\nimport { ipcChannel } from './channels';\nexport const a = [RUN_STATUSES, z, ipcChannel];")).toEqual([]);
    // engine code would end up in the renderer's bundle
    expect(await ruleIds('electron/api/x.ts', "import { RunSpecSchema } from '../../engine/spec/runSpec';\nexport const a = RunSpecSchema;")).not.toEqual([]);
    expect(await ruleIds('electron/api/x.ts', "import { openStore } from '../../storage';\nexport const a = openStore;")).not.toEqual([]);
    expect(await ruleIds('electron/api/x.ts', "import { HostError } from '../main/host/errors';\nexport const a = HostError;")).not.toEqual([]);
    expect(await ruleIds('electron/api/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;")).not.toEqual([]);
    expect(await ruleIds('electron/api/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;")).not.toEqual([]);
  });

  it('renderer may import only vue, pinia, echarts and api contract types', async () => {
    expect(await ruleIds('renderer/src/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;")).not.toEqual([]);
    expect(await ruleIds('renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;")).not.toEqual([]);
    expect(await ruleIds('renderer/src/x.ts', "import { methods } from '@api/schemas';\nexport const a = methods;")).not.toEqual([]);
    expect(await ruleIds('renderer/src/x.ts', "import { z } from 'zod';\nexport const a = z;")).not.toEqual([]);
    expect(await ruleIds('renderer/src/x.ts', "import { Rng } from '../../engine/random';\nexport const a = Rng;")).not.toEqual([]);
    expect(
      await ruleIds(
        'renderer/src/x.ts',
        "import { ref } from 'vue';\nimport { defineStore } from 'pinia';\nimport * as echarts from 'echarts';\nimport type { RunSummary } from '@api/schemas';\nimport { buildApi } from '@api/client';\nimport { helper } from './helper';\nexport const a = [ref, defineStore, echarts, buildApi, helper];\nexport type B = RunSummary;",
      ),
    ).toEqual([]);
  });
});
