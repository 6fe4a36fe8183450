import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { lavapipeDir as lavapipeDirJs } from '../../bin/setup-lavapipe.js';
import { initBackend, resetBackendForTests } from './backend';
import { lavapipeDir, vulkanIcdFiles } from './lavapipe';
import { isSoftwareAdapter, shutdownWebgpu } from './webgpu';
import { needWebgpu } from './webgpuTesting';

afterAll(() => shutdownWebgpu());

describe('webgpu backend', () => {
  it('reports the adapter it trains on: vendor, architecture, description and buffer limits', async (ctx) => {
    await needWebgpu(ctx);
    resetBackendForTests();
    const r = await initBackend({ force: 'webgpu' });
    expect(r.name).toBe('webgpu');
    expect(r.forced).toBe(true);
    expect(tf.getBackend()).toBe('webgpu');
    const a = r.adapter!;
    expect(a.description.length + a.device.length).toBeGreaterThan(0);
    expect(a.limits['maxBufferSize']).toBeGreaterThan(2 ** 20);
    expect(a.limits['maxStorageBufferBindingSize']).toBeGreaterThan(2 ** 20);
    expect(r.summary).toContain(a.description || a.device);
    if (a.driver === 'lrlab-lavapipe') {
      expect(a.software).toBe(true);
      expect(r.summary).toMatch(/LR Lab's lavapipe/);
      expect(process.env['VK_ICD_FILENAMES']).toBe(a.icd);
    }
    expect(Array.from(await tf.square(tf.tensor1d([1, 2, 3])).data())).toEqual([1, 4, 9]);
  });

  it('reads only asynchronously: a synchronous read throws on webgpu under Node', async (ctx) => {
    await needWebgpu(ctx);
    await initBackend({ force: 'webgpu' });
    const t = tf.square(tf.tensor1d([1, 2]));
    expect(() => t.dataSync()).toThrow();
    expect(Array.from(await t.data())).toEqual([1, 4]);
    t.dispose();
  });

  it('is never chosen automatically on a software adapter, and says why', async () => {
    resetBackendForTests();
    const r = await initBackend();
    if (r.name !== 'webgpu') {
      const skip = r.skipped.find((s) => s.name === 'webgpu');
      if (r.name !== 'tensorflow-gpu') expect(skip?.reason.length ?? 0).toBeGreaterThan(10);
    } else {
      expect(r.adapter?.software).toBe(false);
    }
    resetBackendForTests();
  });
});

describe('adapter classification and driver discovery', () => {
  it('tells software adapters from hardware ones', () => {
    expect(isSoftwareAdapter({ vendor: 'mesa', architecture: 'software', description: 'llvmpipe (LLVM 15)' })).toBe(true);
    expect(isSoftwareAdapter({ description: 'SwiftShader Device', isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' })).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'apple', architecture: 'metal-3', description: 'Apple M2' })).toBe(false);
  });

  it('finds the lavapipe folder where bin/setup-lavapipe.js puts it', () => {
    for (const env of [{ HOME: '/h' }, { XDG_CACHE_HOME: '/c' }, { LRLAB_LAVAPIPE_DIR: '/x/y' }]) {
      expect(lavapipeDir(env as NodeJS.ProcessEnv)).toBe(lavapipeDirJs(env));
    }
    expect(lavapipeDir({ LRLAB_LAVAPIPE_DIR: '/x/y' })).toBe('/x/y');
    expect(lavapipeDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/lrlab/lavapipe');
  });

  it('lists Vulkan ICD files from VK_ICD_FILENAMES before the standard folders', () => {
    expect(vulkanIcdFiles({ VK_ICD_FILENAMES: '/nonexistent/a.json' })).toEqual([]);
    expect(vulkanIcdFiles({ VK_ICD_FILENAMES: import.meta.filename.replace(/\.test\.ts$/, '.ts') })).toEqual([]);
  });
});
