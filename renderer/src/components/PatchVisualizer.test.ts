// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { mount } from '@vue/test-utils';
import type { PatchPreview } from '@api/schemas';
import { setApi } from '../api';
import { fakeApi, FakeApiError, flush } from '../testing/fakeApi';
import PatchVisualizer from './PatchVisualizer.vue';

function encode(values: ArrayLike<number>, shape: number[]) {
  const bytes = new Uint8Array(Float32Array.from(values).buffer);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return { shape, base64: btoa(bin) };
}

/** A 4×4×1 dataset, 2 classes, 2×2 patch: z entries σ_z·(1, −1, 2, 0), ζ_i = ±β. */
function preview(sigmaZ: number, beta: number): PatchPreview {
  const z = [1, -1, 2, 0].map((v) => v * sigmaZ);
  return {
    seed: 3,
    dataset: 'fashion-mnist',
    classNames: ['T-shirt/top', 'Trouser'],
    geometry: { height: 4, width: 4, channels: 1, classes: 2 },
    mean: [0.5],
    std: [0.25],
    patch: { size: 2, row: 1, col: 1, z: encode(z, [2, 2, 1]), zetas: encode([beta, beta, beta, beta, -beta, -beta, -beta, -beta], [2, 2, 2, 1]) },
    samples: [
      { kind: 'mixed', label: 0, step: 1, position: 3, index: 17 },
      { kind: 'patch-only', label: 0, step: 2, position: 0, index: 4 },
      { kind: 'mixed', label: 1, step: 1, position: 5, index: 9 },
    ],
    images: encode(new Array(48).fill(0.5), [3, 4, 4, 1]),
    stats: {
      trainImages: 100,
      patchedImages: 80,
      patchedFraction: 0.8,
      scannedLoads: 100,
      scannedSteps: 4,
      loads: { clean: 20, mixed: 64, patchOnly: 16 },
      patchOnlyFraction: 0.2,
      patchOnlyShare: 0.16,
      meanPatchNorm: 2.5,
      meanImageNorm: 10,
      patchToImageNorm: 0.25,
      zNorm: 3,
      meanZetaNorm: 0.2,
    },
    notes: [],
  };
}

const spec = (over: Record<string, unknown> = {}) => ({ kind: 'image', seed: 3, dataset: { name: 'fashion-mnist' }, patch: { sigmaZ: 1.25, beta: 0.1, alphaMax: 1.75 }, optim: { lr: 0.1, batchSize: 32 }, ...over });

function host() {
  const f = fakeApi({
    'patches.preview': (input) => {
      const p = (input.spec['patch'] ?? {}) as { sigmaZ?: number; beta?: number; enabled?: boolean };
      if (p.enabled === false) throw new FakeApiError('invalid_request', 'This spec trains without the patch (patch.enabled is off): turn the patch on to see it.');
      return preview(p.sigmaZ ?? 1.25, p.beta ?? 0.1);
    },
  });
  setApi(f.api);
  return f;
}

afterEach(() => vi.useRealTimers());

describe('PatchVisualizer', () => {
  it('draws z and every ζ_i on one colour scale, samples per class, and the statistics', async () => {
    const f = host();
    const w = mount(PatchVisualizer, { props: { spec: spec(), editable: true } });
    await flush();
    expect(f.calls.filter((c) => c.method === 'patches.preview')).toHaveLength(1);
    expect(w.findAll('[data-testid^="pv-heat-"]')).toHaveLength(3);
    // The shared range is the largest |value| of z and ζ: 2·σ_z = 2.5.
    expect(w.get('[data-testid="patch-visualizer"]').attributes('data-range')).toBe('2.50000');
    expect(w.get('[data-testid="pv-range-max"]').text()).toBe('2.5');
    expect(w.findAll('.sample')).toHaveLength(3);
    expect(w.findAll('.sample-col')[0]?.text()).toContain('T-shirt/top');
    expect(w.get('[data-testid="pv-stat-patched"]').text()).toContain('80 of 100 (80.0 %)');
    expect(w.get('[data-testid="pv-stat-patch-only"]').text()).toContain('20.0 % of patched loads');
    expect(w.get('[data-testid="pv-stat-ratio"]').text()).toContain('ratio 0.25');
    w.unmount();
  });

  it('sliders edit the spec (emit set), and a changed patch refreshes the preview once, debounced; other fields do not', async () => {
    vi.useFakeTimers();
    const f = host();
    const w = mount(PatchVisualizer, { props: { spec: spec(), editable: true, debounceMs: 200 } });
    await vi.runAllTimersAsync();
    const slider = w.get('[data-testid="pv-slider-sigmaZ"]');
    (slider.element as HTMLInputElement).value = '1.3';
    await slider.trigger('input');
    expect(w.emitted('set')?.[0]).toEqual([['patch', 'sigmaZ'], 1.3]);
    // The parent applies the edit to its spec; two quick edits → one request.
    await w.setProps({ spec: spec({ patch: { sigmaZ: 1.3, beta: 0.1, alphaMax: 1.75 } }) });
    await w.setProps({ spec: spec({ patch: { sigmaZ: 1.35, beta: 0.1, alphaMax: 1.75 } }) });
    await vi.advanceTimersByTimeAsync(199);
    expect(f.calls).toHaveLength(1);
    await vi.runAllTimersAsync();
    expect(f.calls).toHaveLength(2);
    expect(w.get('[data-testid="pv-range-max"]').text()).toBe('2.7');
    await w.setProps({ spec: spec({ patch: { sigmaZ: 1.35, beta: 0.1, alphaMax: 1.75 }, optim: { lr: 0.5, batchSize: 32 } }) });
    await vi.runAllTimersAsync();
    expect(f.calls).toHaveLength(2);
    w.unmount();
  });

  it('read-only on a run: the sliders show the run’s values and are disabled', async () => {
    host();
    const w = mount(PatchVisualizer, { props: { spec: spec() } });
    await flush();
    const s = w.get('[data-testid="pv-slider-beta"]');
    expect((s.element as HTMLInputElement).disabled).toBe(true);
    expect(w.get('[data-testid="pv-value-beta"]').text()).toBe('0.1');
    expect(w.text()).toContain("The run's spec is fixed");
    w.unmount();
  });

  it('shows the host’s error (e.g. the patch is off)', async () => {
    host();
    const w = mount(PatchVisualizer, { props: { spec: spec({ patch: { enabled: false } }), editable: true } });
    await flush();
    await nextTick();
    expect(w.get('[data-testid="pv-error"]').text()).toMatch(/turn the patch on/);
    w.unmount();
  });
});
