/**
 * Against a real single-node Slurm (bin/slurm-local.js, brought up here; under CI=true these
 * fail rather than skip when it cannot start): one sbatch array of tiny runs whose tasks run
 * `lrlab worker`, ingested live into the store, equal to the engine's own run of each seed;
 * preflight errors for an unknown partition, a missing sbatch and an unwritable cluster folder.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { runExperiment } from '../../../engine/experiments';
import type { MetricRecord } from '../../../engine/experiments/types';
import { parseRunSpec } from '../../../engine/spec';
import { newRunInput } from '../training/queue';
import { startEngine } from '../training/engineRun';
import { Ingester, type IngestOutcome } from './ingester';
import { launchDirOf, runDirOf, writeRunFile } from './runDir';
import { jobScript, preflight, sourceWorkerCommand, submit, taskPids, taskStates, SlurmError } from './slurm';
import { createHost, type Host } from '../host/host';
import { ensureTestCluster, releaseTestCluster } from './testCluster';
import { makeUntil } from '../../test-support/until';
import { tinySyntheticSpec } from '../../test-support/tinySpec';
import { tempStores } from '../../test-support/tempStores';

const cluster = ensureTestCluster();
afterAll(() => releaseTestCluster(cluster));
if (!cluster.ok) console.warn(`Slurm tests skipped: ${cluster.reason}`);

const { temp, store } = tempStores('lrlab-slurm-test-', 0o755);

const tiny = (maxIterations: number, seed: number) => tinySyntheticSpec(maxIterations, { seed, backend: 'cpu' });

const until = makeUntil({ timeoutMs: 120_000, everyMs: 100 });

describe.skipIf(!cluster.ok)('single-node Slurm', () => {
  it('runs an sbatch array of lrlab workers whose points reach the store live and equal the engine run', async () => {
    const dir = temp();
    const s = store(dir);
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
  }, 300_000);

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

// ── the Slurm executor behind the queue, through the api ──────────────────────────────────

const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});

/** Tiny toy conditions (the machine has 2 shared cores). */
const tinyToy = { 'data.d': 16, 'data.testSize': 200, 'model.width': 32, 'stopping.maxIterations': 300, 'logging.every': 10, 'logging.checkpointEvery': 100, 'algorithm.anneal.at': 150, backend: 'cpu' };

async function slurmHost(dir: string, runQueue = true): Promise<Host> {
  const h = await createHost({ mode: 'cli', storePath: join(dir, 'runs.sqlite'), runQueue, slurm: { clusterDir: join(dir, 'cluster'), workerCommand: sourceWorkerCommand() }, log: () => {} });
  hosts.push(h);
  return h;
}

async function call<T>(h: Host, method: string, input: unknown): Promise<T> {
  const r = (await h.dispatch(method as never, input as never)) as { ok: true; value: T } | { ok: false; error: { message: string } };
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** kill -9 of the `lrlab worker` process of a Slurm task (as the OOM killer or a crash would). */
function killWorkerOf(job: string): number {
  const worker = taskPids(job).find((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('workerMain');
    } catch {
      return false;
    }
  });
  if (!worker) throw new Error(`no worker process among the pids of ${job}`);
  process.kill(worker, 'SIGKILL');
  return worker;
}

describe.skipIf(!cluster.ok)('Slurm executor', () => {
  it('runs a 3-condition × 2-seed comparison launched through the api as one array, with live progress, equal to the engine run', async () => {
    const dir = temp();
    const h = await slurmHost(dir);
    const progress = new Map<string, number>();
    h.events.subscribe((event, payload) => {
      if (event === 'training.onDidProgress') {
        const p = payload as { runId: string };
        progress.set(p.runId, (progress.get(p.runId) ?? 0) + 1);
      }
    });
    const { runIds } = await call<{ runIds: string[] }>(h, 'training.launchComparison', { comparison: 'toy', seeds: [1, 2], set: tinyToy, executor: { kind: 'slurm', maxParallel: 2 } });
    expect(runIds).toHaveLength(6);
    await until('all six runs to end', () => runIds.every((id) => !['queued', 'running'].includes(h.store.getRun(id).status)), 300_000);
    const runs = runIds.map((id) => h.store.getRun(id));
    for (const r of runs) expect(r.status, `${r.name}: ${r.error ?? ''}`).toBe('completed');
    // one array: every run is a task of the same job, with its node and the job script recorded
    const jobs = runs.map((r) => r.versions?.['slurm job'] ?? '');
    expect(new Set(jobs.map((j) => j.split('_')[0])).size).toBe(1);
    expect(new Set(jobs).size).toBe(6);
    for (const r of runs) {
      expect(r.versions?.['slurm node']).toBeTruthy();
      const submitted = r.events.find((e) => e.message.startsWith('Submitted to Slurm'));
      expect(String(submitted?.data?.['jobScript'])).toContain('#SBATCH --array=0-5%2');
      expect(progress.get(r.id) ?? 0, 'live progress reached the host').toBeGreaterThan(0);
    }
    // the same points as the engine trained here, same seed and backend (one run per condition)
    await startEngine(parseRunSpec(JSON.parse(runs[0]!.specJson)), 'cpu');
    for (const r of [runs[0]!, runs[2]!, runs[5]!]) {
      const spec = parseRunSpec(JSON.parse(r.specJson));
      const direct: MetricRecord[] = [];
      await runExperiment(spec, { onMetrics: (m) => direct.push(m) });
      const stored = h.store.getSeries({ runIds: [r.id], keys: ['train/loss'] })[0]!;
      const want = direct.filter((m) => 'train/loss' in m.values);
      expect(stored.steps, r.name).toEqual(want.map((m) => m.step));
      expect(stored.values, r.name).toEqual(want.map((m) => m.values['train/loss']));
    }
  }, 420_000);

  it('scancel → stopped; kill -9 → interrupted → resumed through Slurm → completed; a host restart in the middle re-attaches', async () => {
    const dir = temp();
    let h = await slurmHost(dir);
    const { runIds } = await call<{ runIds: string[] }>(h, 'training.launch', { spec: { ...tiny(8000, 1), logging: { every: 10, checkpointEvery: 200 } }, seeds: [1, 2], executor: { kind: 'slurm' } });
    const [a, b] = runIds as [string, string];
    const stepOf = (hh: Host, id: string) => hh.store.getRun(id).metrics.find((m) => m.key === 'train/loss')?.lastStep ?? -1;
    await until('both running with points', () => stepOf(h, a) >= 0 && stepOf(h, b) >= 0, 120_000);

    // the host restarts while both train: the new one re-attaches and keeps ingesting
    await h.close('test restart');
    h = await slurmHost(dir);
    expect(h.store.getRun(a).status).toBe('running');
    const before = stepOf(h, a);
    await until('a to advance after the restart', () => stepOf(h, a) > before + 50, 120_000);

    // cancel a → stopped, its points kept
    await call(h, 'training.cancel', { id: a });
    await until('a stopped', () => h.store.getRun(a).status === 'stopped', 120_000);
    expect(stepOf(h, a)).toBeGreaterThan(before);

    // kill -9 b's worker on the node → interrupted
    await until('b past a checkpoint', () => h.store.getRun(b).checkpoints.length > 0, 120_000);
    killWorkerOf(h.store.getRun(b).versions?.['slurm job'] ?? '');
    await until('b interrupted', () => h.store.getRun(b).status === 'interrupted', 120_000);
    expect(h.store.getRun(b).error).toMatch(/Slurm ended task/);

    // resume b → resubmitted with its checkpoint → completed, every step once
    await call(h, 'training.resume', { id: b });
    await until('b completed', () => h.store.getRun(b).status === 'completed', 300_000);
    const loss = h.store.getSeries({ runIds: [b], keys: ['train/loss'] })[0]!;
    const steps = loss.steps;
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps).toEqual([...steps].sort((x, y) => x - y));
    expect(steps[steps.length - 1]).toBeGreaterThanOrEqual(7990);
    // equal to an uninterrupted run of the same seed on the same backend
    const spec = parseRunSpec(JSON.parse(h.store.getRun(b).specJson));
    await startEngine(spec, 'cpu');
    const direct: MetricRecord[] = [];
    await runExperiment(spec, { onMetrics: (m) => direct.push(m) });
    const want = direct.filter((m) => 'train/loss' in m.values);
    expect(steps).toEqual(want.map((m) => m.step));
    expect(loss.values).toEqual(want.map((m) => m.values['train/loss']));
  }, 600_000);

  it('--requeue 1: a task Slurm ends is resubmitted from its checkpoint by itself once, recorded; the next time it stays interrupted', async () => {
    const dir = temp();
    const h = await slurmHost(dir);
    const { runIds } = await call<{ runIds: string[] }>(h, 'training.launch', { spec: { ...tiny(8000, 4), logging: { every: 10, checkpointEvery: 200 } }, executor: { kind: 'slurm', requeue: 1 } });
    const id = runIds[0]!;
    const run = () => h.store.getRun(id);
    const job1 = await until('the first task past a checkpoint', () => run().checkpoints.length > 0 && run().status === 'running' && run().versions?.['slurm job']);
    expect(run().versions?.['slurm auto requeues']).toBe('0 of 1');
    expect(String(run().events.find((e) => e.message.startsWith('Submitted to Slurm'))?.data?.['jobScript'])).toContain('#SBATCH --no-requeue');
    const statuses: string[] = [];
    h.events.subscribe((event, payload) => {
      if (event === 'training.onDidChangeStatus' && (payload as { runId: string }).runId === id) statuses.push((payload as { status: string }).status);
    });

    // first kill: the host resubmits it by itself, from its latest checkpoint, as a new job
    killWorkerOf(job1);
    const requeued = await until('the automatic requeue', () => run().events.find((e) => e.data?.['autoRequeue'] === 1), 120_000);
    expect(requeued.message).toMatch(/Requeued automatically \(1 of 1\) from the checkpoint at step \d+ after: Slurm ended task/);
    const fromStep = Number(requeued.data?.['fromStep']);
    expect(fromStep).toBeGreaterThan(0);
    const job2 = await until('the second task running past a newer checkpoint', () => {
      const r = run();
      const j = r.versions?.['slurm job'];
      return r.status === 'running' && j && j !== job1 && r.checkpoints.some((c) => c.step > fromStep) && j;
    });
    expect(job2.split('_')[0]).not.toBe(job1.split('_')[0]);
    expect(statuses.slice(0, 2)).toEqual(['interrupted', 'queued']);
    expect(run().versions?.['slurm auto requeues']).toBe('1 of 1');
    expect(run().events.filter((e) => e.message.startsWith('Submitted to Slurm'))).toHaveLength(2);

    // second kill: no requeue left, it stays interrupted and says why
    killWorkerOf(job2);
    await until('interrupted again', () => run().status === 'interrupted', 120_000);
    await new Promise((r) => setTimeout(r, 3000));
    expect(run().status).toBe('interrupted');
    expect(run().events.filter((e) => typeof e.data?.['autoRequeue'] === 'number')).toHaveLength(1);
    expect(run().events.some((e) => /Not requeued automatically: all 1 automatic requeue used/.test(e.message))).toBe(true);

    // a manual resume finishes it; every step once, equal to an uninterrupted run of the seed
    await call(h, 'training.resume', { id });
    await until('completed', () => run().status === 'completed', 300_000);
    const loss = h.store.getSeries({ runIds: [id], keys: ['train/loss'] })[0]!;
    const spec = parseRunSpec(JSON.parse(run().specJson));
    await startEngine(spec, 'cpu');
    const direct: MetricRecord[] = [];
    await runExperiment(spec, { onMetrics: (m) => direct.push(m) });
    const want = direct.filter((m) => 'train/loss' in m.values);
    expect(loss.steps).toEqual(want.map((m) => m.step));
    expect(loss.values).toEqual(want.map((m) => m.values['train/loss']));
  }, 600_000);

  it('refuses bad Slurm options through the api with a clear error and stores nothing', async () => {
    const dir = temp();
    const h = await slurmHost(dir, false);
    const launch = (executor: unknown) => h.dispatch('training.launch', { spec: tiny(10, 1), executor } as never);
    let r = await launch({ kind: 'slurm', partition: 'nope' });
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).toMatch(/no partition \\"nope\\"/);
    writeFileSync(join(dir, 'file'), 'x');
    r = await launch({ kind: 'slurm', clusterDir: join(dir, 'file', 'c') });
    expect(JSON.stringify(r)).toMatch(/not writable/);
    expect(h.store.listRuns({}).rows).toHaveLength(0);
    const noSlurm = await createHost({ mode: 'cli', storePath: join(dir, 'other.sqlite'), slurm: false, log: () => {} });
    hosts.push(noSlurm);
    r = await noSlurm.dispatch('training.launch', { spec: tiny(10, 1), executor: { kind: 'slurm' } } as never);
    expect(JSON.stringify(r)).toMatch(/sbatch.*not on the PATH/);
    expect(noSlurm.store.listRuns({}).rows).toHaveLength(0);
  });
});

// ── the CLI: lrlab run / sweep --executor slurm ───────────────────────────────────────────

async function lrlab(dir: string, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return lrlabWith({}, dir, ...args);
}

async function lrlabWith(extraEnv: NodeJS.ProcessEnv, dir: string, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const exec = promisify(execFile);
  try {
    const r = await exec(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', ...args], {
      env: { ...process.env, LRLAB_HOME: dir, LRLAB_STORE: join(dir, 'runs.sqlite'), ...extraEnv },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { ...r, code: 0 };
  } catch (e) {
    const x = e as { stdout: string; stderr: string; code: number };
    return { stdout: x.stdout, stderr: x.stderr, code: x.code };
  }
}

describe.skipIf(!cluster.ok)('lrlab --executor slurm', () => {
  it('runs one run and a 4-point sweep on Slurm, waiting with progress; bad options store nothing', async () => {
    const dir = temp();
    // defaults in the settings file beside the store (here: the worker from this checkout's source)
    writeFileSync(join(dir, 'lrlab-settings.json'), JSON.stringify({ slurm: { workerCommand: sourceWorkerCommand(), maxParallel: 2 } }));
    const spec = { ...tiny(200, 3), logging: { every: 10, checkpointEvery: 100 } };
    writeFileSync(join(dir, 'tiny.json'), JSON.stringify(spec));
    const one = await lrlab(dir, 'run', join(dir, 'tiny.json'), '--executor', 'slurm', '--requeue', '2', '--json');
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toMatch(/submitted 1 run to Slurm as job \d+/);
    const result = JSON.parse(one.stdout) as { status: string; runId: string };
    expect(result.status).toBe('completed');

    const { seed: _seed, ...base } = spec;
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify({ kind: 'sweep', base, parameter: 'algorithm.eta2', values: [0.02, 0.05], seeds: [1, 2] }));
    const sweep = await lrlab(dir, 'sweep', join(dir, 'sweep.json'), '--executor', 'slurm');
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(sweep.stderr).toMatch(/submitted 4 runs to Slurm as job \d+/);
    expect(sweep.stdout.trim().split('\n').filter((l) => /completed/.test(l))).toHaveLength(4);

    const s = store(dir);
    const runs = s.listRuns({ limit: 100 }).rows;
    expect(runs).toHaveLength(5);
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
    // the sweep's four runs are the four tasks of one array
    const sweepJobs = runs.filter((r) => r.id !== result.runId).map((r) => (r.versions?.['slurm job'] ?? '').split('_')[0]);
    expect(new Set(sweepJobs).size).toBe(1);

    // --requeue reached the run's launch (its provenance says how many automatic requeues it may get)
    expect(runs.find((r) => r.id === result.runId)?.versions?.['slurm auto requeues']).toBe('0 of 2');

    const bad = await lrlab(dir, 'run', join(dir, 'tiny.json'), '--executor', 'slurm', '--partition', 'nope');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/no partition "nope"/);
    const tooMany = await lrlab(dir, 'run', join(dir, 'tiny.json'), '--executor', 'slurm', '--requeue', '1000');
    expect(tooMany.code).not.toBe(0);
    expect(tooMany.stderr).toMatch(/--requeue must be a whole number from 0 to 100/);
    const notSlurm = await lrlab(dir, 'run', join(dir, 'tiny.json'), '--partition', 'debug', '--requeue', '1');
    expect(notSlurm.code).not.toBe(0);
    expect(notSlurm.stderr).toMatch(/--partition, --requeue apply only to runs on Slurm: add --executor slurm/);
    const unwritable = await lrlab(dir, 'run', join(dir, 'tiny.json'), '--executor', 'slurm', '--cluster-dir', join(dir, 'tiny.json', 'c'));
    expect(unwritable.code).not.toBe(0);
    expect(unwritable.stderr).toMatch(/cluster folder .* is not writable/);
    const noSbatch = await lrlabWith({ PATH: '/nonexistent' }, dir, 'run', join(dir, 'tiny.json'), '--executor', 'slurm');
    expect(noSbatch.code).not.toBe(0);
    expect(noSbatch.stderr).toMatch(/sbatch.*not on the PATH/);
    expect(s.listRuns({ limit: 100 }).rows).toHaveLength(5);
  }, 600_000);
});
