import { describe, expect, it, beforeEach } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend, requestedBackend, resetBackendForTests, wasmThreadsWanted } from './backend';

describe('backend selection', () => {
  beforeEach(() => resetBackendForTests());

  it('picks the fastest available backend and explains every skip', async () => {
    const r = await initBackend();
    expect(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']).toContain(r.name);
    expect(tf.getBackend()).toBe(r.tfjsBackend);
    // Everything faster than the chosen one must have a reason.
    const order = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];
    expect(r.skipped.map((s) => s.name)).toEqual(order.slice(0, order.indexOf(r.name)));
    for (const s of r.skipped) expect(s.reason.length).toBeGreaterThan(10);
    expect(r.version).toMatch(/^\d+\.\d+/);
    expect(r.threads).toBeGreaterThanOrEqual(1);
  });

  it('honours a forced backend', async () => {
    const r = await initBackend({ force: 'cpu' });
    expect(r.name).toBe('cpu');
    expect(r.forced).toBe(true);
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]).toBe(3);
  });

  it('reads LRLAB_BACKEND and rejects unknown names with the allowed list', () => {
    expect(requestedBackend(null, { LRLAB_BACKEND: 'wasm' })).toBe('wasm');
    expect(requestedBackend(null, { LRLAB_BACKEND: 'auto' })).toBeNull();
    expect(requestedBackend('cpu', { LRLAB_BACKEND: 'wasm' })).toBe('cpu');
    expect(() => requestedBackend('tpu', {})).toThrow(/Unknown backend "tpu".*wasm, cpu/);
  });

  it('says clearly why a forced native backend is unavailable', async () => {
    let native = true;
    try {
      await import('@tensorflow/tfjs-node' as string);
    } catch {
      native = false;
    }
    if (native) return; // a machine with tfjs-node: nothing to check here
    await expect(initBackend({ force: 'tensorflow' })).rejects.toThrow(/forced backend "tensorflow" is not available/);
  });
});

describe('wasm threads', () => {
  it('uses one thread per core by default (at most 8), and LRLAB_WASM_THREADS when set', () => {
    expect(wasmThreadsWanted({}, 2)).toBe(2);
    expect(wasmThreadsWanted({}, 32)).toBe(8);
    expect(wasmThreadsWanted({}, 1)).toBe(1);
    expect(wasmThreadsWanted({ LRLAB_WASM_THREADS: '1' }, 16)).toBe(1);
    expect(wasmThreadsWanted({ LRLAB_WASM_THREADS: '3' }, 2)).toBe(3);
    expect(wasmThreadsWanted({ LRLAB_WASM_THREADS: 'lots' }, 4)).toBe(1);
    expect(wasmThreadsWanted({ LRLAB_WASM_THREADS: ' ' }, 4)).toBe(4);
  });
});
