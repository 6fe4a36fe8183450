// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { defineComponent, h, nextTick } from 'vue';
import { mount } from '@vue/test-utils';
import type { CurveBuffer } from '../charts/curves';
import { appendValues } from '../charts/curves';
import LiveCharts from './LiveCharts.vue';

/** Stands in for EChart: records full options (props) and partial updates (apply). */
const fullOptions: { label: string; option: unknown }[] = [];
const applied: { label: string; partial: Record<string, unknown> }[] = [];
const EChartStub = defineComponent({
  props: { option: { type: Object, required: true }, label: { type: String, required: true }, height: { type: String, default: '' } },
  setup(props, { expose }) {
    expose({ apply: (partial: Record<string, unknown>) => applied.push({ label: props.label, partial }) });
    return () => {
      fullOptions.push({ label: props.label, option: props.option });
      return h('div');
    };
  },
});

const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));

describe('live charts', () => {
  it('applies only new series data on a progress tick, and rebuilds a panel only when its curves change', async () => {
    const buffers = new Map<string, CurveBuffer>();
    appendValues(buffers, 0, { 'train/loss': 0.7, 'test/loss': 0.72 });
    const props = { keys: ['test/loss', 'train/loss'], buffers: () => buffers, dataTick: 0, structureTick: 1, events: [], totalSteps: 100 };
    const w = mount(LiveCharts, { props, global: { stubs: { EChart: EChartStub } } });
    await nextTick();
    const builds = fullOptions.length;
    expect(builds).toBe(1);

    appendValues(buffers, 10, { 'train/loss': 0.6, 'test/loss': 0.65 });
    await w.setProps({ dataTick: 1 });
    await frame();
    expect(fullOptions.length).toBe(builds);
    const last = applied.at(-1)?.partial as { series: { id: string; data: unknown[] }[] };
    expect(Object.keys(last)).toEqual(['series']);
    expect(last.series.map((s) => [s.id, s.data.length])).toEqual([['test/loss', 2], ['train/loss', 2]]);

    // An anneal arrives: only the first series' markLine is applied.
    await w.setProps({ events: [{ kind: 'anneal', step: 10, message: 'η1 → η2' }] });
    expect(fullOptions.length).toBe(builds);
    const marks = applied.at(-1)?.partial as { series: { id: string; markLine: { data: { xAxis: number }[] } }[] };
    expect(marks.series.map((s) => [s.id, s.markLine.data.map((d) => d.xAxis)])).toEqual([['test/loss', [10]]]);
    // The same events again (a detail reload) change nothing.
    const n = applied.length;
    await w.setProps({ events: [{ kind: 'anneal', step: 10, message: 'η1 → η2' }] });
    expect(applied.length).toBe(n);

    // A new metric is a new curve: that is the one time a panel's full option is rebuilt.
    appendValues(buffers, 10, { 'test/acc': 0.5 });
    await w.setProps({ keys: ['test/acc', 'test/loss', 'train/loss'], structureTick: 2 });
    expect(fullOptions.length).toBeGreaterThan(builds);
  });
});
