/**
 * Segments and the ingester without Slurm: lines survive the round trip (NaN, ±Infinity, -0),
 * half-written lines are never read, segments roll, and the store gets every point exactly once
 * across a host restart and a resumed attempt. The last test trains a real tiny run through the
 * cluster worker and checks its points equal the same seed trained by the engine directly.
 */
import { describe, expect, it } from 'vitest';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runExperiment } from '../../../engine/experiments';
import type { MetricRecord } from '../../../engine/experiments/types';
import { newRunInput } from '../training/queue';
import { startEngine } from '../training/engineRun';
import { Ingester, type IngestOutcome } from './ingester';
import { metricLine, SegmentReader, SegmentWriter, segmentName } from './segments';
import { newAttemptDir, runDirOf, writeRunFile } from './runDir';
import { runClusterWorker } from './clusterWorker';
import { tinySyntheticSpec } from '../../test-support/tinySpec';
import { tempStores } from '../../test-support/tempStores';

const { temp, store } = tempStores('lrlab-cluster-');

const tiny = (maxIterations: number, seed = 1) => tinySyntheticSpec(maxIterations, { seed, backend: 'cpu' });

const rec = (step: number, values: Record<string, number>): MetricRecord => ({ step, epoch: null, wallTimeMs: step, values });

describe('segments', () => {
  it('round-trips NaN, ±Infinity and -0, never reads a half-written line, and follows a roll to the next segment', () => {
    const dir = temp();
    const w = new SegmentWriter(dir, 200);
    const r = new SegmentReader(dir);
    w.append(metricLine(rec(0, { a: NaN, b: Infinity, c: -Infinity, d: -0, e: 1.5 })));
    w.flush();
    const [first] = r.read();
    expect(first?.t).toBe('m');
    const m = first as Extract<typeof first, { t: 'm' }>;
    expect(m.v).toEqual({ a: 'NaN', b: 'Infinity', c: '-Infinity', d: '-0', e: 1.5 });
    // a half line (a writer killed mid-write) stays unread until its newline arrives
    appendFileSync(join(dir, segmentName(0)), '{"t":"p","p":{"step":1,');
    expect(r.read()).toEqual([]);
    appendFileSync(join(dir, segmentName(0)), '"totalSteps":9,"epoch":null,"totalEpochs":null}}\n');
    expect(r.read()).toEqual([{ t: 'p', p: { step: 1, totalSteps: 9, epoch: null, totalEpochs: null } }]);
    for (let i = 1; i <= 20; i++) {
      w.append(metricLine(rec(i, { e: i })));
      w.flush();
    }
    w.close();
    const steps = r.read().map((l) => (l.t === 'm' ? l.s : -1));
    expect(steps).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(r.position.segment).toBeGreaterThan(0);
  });
});

describe('ingester', () => {
  it('stores every point exactly once across a host restart and a resumed attempt', async () => {
    const dir = temp();
    const s = store(dir);
    const spec = tiny(10);
    const runId = s.createRun(newRunInput(spec)).id;
    const runDir = runDirOf(join(dir, 'cluster'), runId);
    writeRunFile(runDir, { runId, spec, backend: null });
    const a1 = newAttemptDir(runDir);
    const w1 = new SegmentWriter(a1.dir);
    const outcomes: IngestOutcome[] = [];
    let ing = new Ingester({ store: s });
    ing.watch(runId, runDir, { onOutcome: (o) => outcomes.push(o) });
    for (let step = 0; step < 100; step++) {
      w1.append(metricLine(rec(step, { 'train/loss': 1 / (step + 1), ...(step % 10 === 0 ? { 'test/acc': step / 100 } : {}) })));
      if (step % 7 === 0) {
        w1.flush();
        ing.pollAll();
      }
      if (step === 50) {
        // the host restarts: a new ingester re-reads the folder from its start
        ing.close();
        ing = new Ingester({ store: s });
        ing.watch(runId, runDir, { onOutcome: (o) => outcomes.push(o) });
      }
    }
    w1.close(); // attempt 1 dies without an end line (kill -9)
    ing.pollAll();
    let loss = s.getSeries({ runIds: [runId], keys: ['train/loss'] })[0]!;
    expect(loss.steps).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // resume from a checkpoint at step 60: the store is cut there, attempt 2 logs from 60 on
    ing.unwatch(runId);
    s.truncateMetrics(runId, 60);
    const a2 = newAttemptDir(runDir);
    ing.watch(runId, runDir, { onOutcome: (o) => outcomes.push(o) }, { fromAttempt: a2.attempt });
    const w2 = new SegmentWriter(a2.dir);
    for (let step = 60; step < 120; step++) w2.append(metricLine(rec(step, { 'train/loss': 2 / (step + 1), ...(step % 10 === 0 ? { 'test/acc': step / 100 } : {}) })));
    w2.append({ t: 'end', signal: null, result: { status: 'completed', steps: 120, epochs: null, annealStep: null, stopReason: 'max iterations', wallS: 1, final: {} } });
    w2.close();
    ing.pollAll();
    await ing.settled(runId);
    await new Promise((r) => setTimeout(r, 10));
    loss = s.getSeries({ runIds: [runId], keys: ['train/loss'] })[0]!;
    expect(loss.steps).toEqual(Array.from({ length: 120 }, (_, i) => i));
    // up to the checkpoint: attempt 1's values; after it: attempt 2's
    expect(loss.values[60]).toBe(1 / 61);
    expect(loss.values[61]).toBe(2 / 62);
    const acc = s.getSeries({ runIds: [runId], keys: ['test/acc'] })[0]!;
    expect(acc.steps).toEqual(Array.from({ length: 12 }, (_, i) => i * 10));
    expect(outcomes.map((o) => [o.kind, o.attempt])).toEqual([['end', a2.attempt]]);
    ing.close();
  });

  it('trains a run through the cluster worker with the same points as the engine run directly', async () => {
    const dir = temp();
    const s = store(dir);
    const spec = tiny(60, 7);
    const runId = s.createRun(newRunInput(spec)).id;
    const runDir = runDirOf(join(dir, 'cluster'), runId);
    writeRunFile(runDir, { runId, spec, backend: 'cpu' });
    const ing = new Ingester({ store: s });
    const outcomes: IngestOutcome[] = [];
    ing.watch(runId, runDir, { onOutcome: (o) => outcomes.push(o) });
    expect(await runClusterWorker(runDir)).toBe(0);
    ing.pollAll();
    await ing.settled(runId);
    await new Promise((r) => setTimeout(r, 10));
    expect(outcomes[0]).toMatchObject({ kind: 'end', result: { status: 'completed' } });

    await startEngine(spec, 'cpu');
    const direct: MetricRecord[] = [];
    await runExperiment(spec, { onMetrics: (m) => direct.push(m) });
    const keys = [...new Set(direct.flatMap((m) => Object.keys(m.values)))];
    for (const key of keys) {
      const stored = s.getSeries({ runIds: [runId], keys: [key] })[0]!;
      const want = direct.filter((m) => key in m.values);
      expect(stored.steps, key).toEqual(want.map((m) => m.step));
      expect(stored.values, key).toEqual(want.map((m) => m.values[key]));
    }
    ing.close();
  });
});

it('keeps one attempt folder per start', () => {
  const d = temp();
  mkdirSync(join(d, 'attempt-0001'));
  expect(newAttemptDir(d).attempt).toBe(2);
  expect(newAttemptDir(d).attempt).toBe(3);
});
