/**
 * Against a real single-node Slurm (bin/slurm-local.js, brought up here; under CI=true these
 * fail rather than skip when it cannot start): one sbatch array of tiny runs whose tasks run
 * `lrlab worker`, ingested live into the store, equal to the engine's own run of each seed;
 * preflight errors for an unknown partition, a missing sbatch and an unwritable cluster folder.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type RunStore } from '../../../storage';
import { runExperiment } from '../../../engine/experiments';
import type { MetricRecord } from '../../../engine/experiments/types';
import { parseRunSpec } from '../../../engine/spec';
import { newRunInput } from '../training/queue';
import { startEngine } from '../training/engineRun';
import { Ingester, type IngestOutcome } from './ingester';
import { launchDirOf, runDirOf, writeRunFile } from './runDir';
import { jobScript, preflight, sourceWorkerCommand, submit, taskStates, SlurmError } from './slurm';
import { ensureTestCluster, releaseTestCluster } from './testCluster';

const cluster = ensureTestCluster();
afterAll(() => releaseTestCluster(cluster));
if (!cluster.ok) console.warn(`Slurm tests skipped: ${cluster.reason}`);

const dirs: string[] = [];
const stores: RunStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'lrlab-slurm-test-'));
  chmodSync(d, 0o755);
  dirs.push(d);
  return d;
}

const tiny = (maxIterations: number, seed: number) =>
  parseRunSpec({
    kind: 'synthetic',
    seed,
    backend: 'cpu',
    data: { d: 16, N: 64, testSize: 200 },
    model: { width: 32 },
    algorithm: { name: 'S', eta2: 0.05, eps2prime: 1e-9 },
    gradientNoise: { tauXi: 0.01 },
    init: { tau0: 0.05 },
    stopping: { maxIterations },
    logging: { every: 10, checkpointEvery: 100 },
  });

async function until<T>(what: string, f: () => T | undefined | null | false, timeoutMs = 120_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!cluster.ok)('single-node Slurm', () => {
  it('runs an sbatch array of lrlab workers whose points reach the store live and equal the engine run', async () => {
    const dir = temp();
    const s = openStore(join(dir, 'runs.sqlite'));
    stores.push(s);
    const clusterDir = join(dir, 'cluster');
    const specs = [tiny(200, 1), tiny(200, 2)];
    const ids = specs.map((spec) => s.createRun(newRunInput(spec)).id);
    const launchDir = launchDirOf(clusterDir, 'l1');
    mkdirSync(launchDir, { recursive: true });
    ids.forEach((id, i) => writeRunFile(runDirOf(clusterDir, id), { runId: id, spec: specs[i]!, backend: 'cpu' }));
    writeFileSync(join(launchDir, 'tasks'), ids.map((id) => runDirOf(clusterDir, id)).join('\n') + '\n');
    const script = join(launchDir, 'job.sh');
    writeFileSync(script, jobScript({ launchId: 'l1', launchDir, tasks: ids.length, settings: { maxParallel: 2, workerCommand: sourceWorkerCommand() } }));
    const jobId = submit(script);
    expect(taskStates([jobId]).size).toBe(2);

    const ing = new Ingester({ store: s, pollMs: 200 });
    const outcomes = new Map<string, IngestOutcome>();
    const firstPointAt = new Map<string, number>();
    for (const id of ids) ing.watch(id, runDirOf(clusterDir, id), { onOutcome: (o) => outcomes.set(id, o) });
    ing.start();
    await until('both tasks to end', () => {
      for (const id of ids) if (!firstPointAt.has(id) && s.getRun(id).metrics.length > 0) firstPointAt.set(id, Date.now());
      return outcomes.size === 2;
    });
    ing.close();
    for (const id of ids) {
      expect(outcomes.get(id)).toMatchObject({ kind: 'end', result: { status: 'completed' } });
      expect(firstPointAt.has(id), 'points arrived while the task ran').toBe(true);
    }
    // the same points as the engine trained in this process on the same backend
    await startEngine(specs[0]!, 'cpu');
    for (const [i, spec] of specs.entries()) {
      const direct: MetricRecord[] = [];
      await runExperiment(spec, { onMetrics: (m) => direct.push(m) });
      const stored = s.getSeries({ runIds: [ids[i]!], keys: ['train/loss'] })[0]!;
      const want = direct.filter((m) => 'train/loss' in m.values);
      expect(stored.steps).toEqual(want.map((m) => m.step));
      expect(stored.values).toEqual(want.map((m) => m.values['train/loss']));
    }
  });

  it('says clearly what is wrong with an unknown partition, a missing sbatch or an unwritable cluster folder', () => {
    const dir = temp();
    expect(() => preflight({ clusterDir: join(dir, 'c'), partition: 'no-such-partition' })).toThrow(/no partition "no-such-partition".*debug/);
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      expect(() => preflight({ clusterDir: join(dir, 'c') })).toThrow(SlurmError);
      expect(() => preflight({ clusterDir: join(dir, 'c') })).toThrow(/sbatch.*not on the PATH/);
    } finally {
      process.env['PATH'] = path;
    }
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => preflight({ clusterDir: join(dir, 'file', 'cluster') })).toThrow(/cluster folder .* is not writable.*--cluster-dir/);
  });
});
