/**
 * `lrlab run|sweep … --executor slurm`: the runs go through the queue to the Slurm executor as
 * one sbatch array; the command waits and shows progress like a local run (exit status = the
 * run's outcome) unless `--detach`, which prints the run ids and leaves the jobs to Slurm (a
 * window or `lrlab serve` on the same store re-attaches them).
 */
import { outputOf, type CliRunOutput } from './train';
import { Option, type Command } from 'commander';
import type { RunSpec } from '../../engine/spec';
import { FINAL_RUN_STATUSES, type RunStatus } from '../../storage';
import type { Progress, StatusChange } from '../api/schemas';
import { createHost } from '../main/host/host';
import { SlurmError, type SlurmSettings } from '../main/cluster/slurm';

export interface SlurmCliOptions {
  executor?: 'local' | 'slurm';
  partition?: string;
  time?: string;
  gpus?: number;
  account?: string;
  qos?: string;
  maxParallel?: number;
  sbatchArg?: string[];
  detach?: boolean;
  clusterDir?: string;
  requeue?: number;
}

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${v}".`);
  return n;
};

/** The executor options `run` and `sweep` share. */
export function addExecutorOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--executor <where>', 'where the runs train: this machine, or a Slurm cluster (one job array)').choices(['local', 'slurm']).default('local'))
    .option('--partition <name>', 'Slurm partition (default: the settings file, else the cluster default)')
    .option('--time <limit>', 'Slurm time limit per run, e.g. 30:00 or 1-00:00:00')
    .option('--gpus <n>', 'GPUs per run (--gres=gpu:N; "gpuFlag": "gpus" in the settings file uses --gpus=N)', int('--gpus'))
    .option('--account <name>', 'Slurm account')
    .option('--qos <name>', 'Slurm QOS')
    .option('--max-parallel <n>', 'at most N runs of this launch at once (the array\'s %N)', int('--max-parallel'))
    .option('--sbatch-arg <arg>', 'passed to sbatch as an #SBATCH line, e.g. --sbatch-arg=--mem=8G (repeatable)', (v: string, p: string[]) => [...p, v], [] as string[])
    .option('--requeue <n>', 'resubmit a run Slurm ends (time limit, preemption, node failure, a killed task) from its checkpoint, at most N times (default 0)', int('--requeue'))
    .option('--detach', 'submit and return (print the run ids); the jobs go on without this command')
    .option('--cluster-dir <dir>', 'folder the nodes share for run folders and job scripts (default: cluster/ beside the store)');
}

/** Slurm's options given without `--executor slurm` would be ignored silently: say so instead. */
export function refuseSlurmOptionsOnLocal(o: SlurmCliOptions): void {
  if (o.executor === 'slurm') return;
  const given = (
    [
      ['--partition', o.partition],
      ['--time', o.time],
      ['--gpus', o.gpus],
      ['--account', o.account],
      ['--qos', o.qos],
      ['--max-parallel', o.maxParallel],
      ['--sbatch-arg', o.sbatchArg?.length ? o.sbatchArg : undefined],
      ['--detach', o.detach],
      ['--cluster-dir', o.clusterDir],
      ['--requeue', o.requeue],
    ] as const
  )
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
  if (given.length) throw new Error(`${given.join(', ')} ${given.length === 1 ? 'applies' : 'apply'} only to runs on Slurm: add --executor slurm, or drop ${given.length === 1 ? 'it' : 'them'}.`);
}

export interface SlurmRunItem {
  readonly spec: RunSpec;
  readonly label: string;
  readonly groupId?: string | null;
  readonly preset?: string | null;
}

export type SlurmRunResult = CliRunOutput;

/** Launches every item as one array and (unless detached) waits for all; results in item order. */
export async function runOnSlurm(items: readonly SlurmRunItem[], o: SlurmCliOptions & { store?: string | false; backend?: string; json?: boolean; shouldStop: () => boolean }): Promise<SlurmRunResult[] | null> {
  if (o.store === false) throw new Error('--executor slurm records its runs in the store: drop --no-store.');
  const over: SlurmSettings & { clusterDir?: string } = {
    ...(o.partition ? { partition: o.partition } : {}),
    ...(o.time ? { time: o.time } : {}),
    ...(o.gpus !== undefined ? { gpus: o.gpus } : {}),
    ...(o.account ? { account: o.account } : {}),
    ...(o.qos ? { qos: o.qos } : {}),
    ...(o.maxParallel !== undefined ? { maxParallel: o.maxParallel } : {}),
    ...(o.sbatchArg?.length ? { sbatchArgs: o.sbatchArg } : {}),
    ...(o.clusterDir ? { clusterDir: o.clusterDir } : {}),
    ...(o.requeue !== undefined ? { requeue: o.requeue } : {}),
  };
  const host = await createHost({ mode: 'cli', storePath: typeof o.store === 'string' ? o.store : undefined, backend: o.backend ?? null, runQueue: false, slurm: {}, log: (l) => process.stderr.write(`${l}\n`) });
  try {
    const slurm = host.slurm!;
    // Checked before anything is stored: sbatch, the partition, the cluster folder.
    let settings;
    try {
      settings = slurm.check(over);
    } catch (e) {
      if (e instanceof SlurmError) throw new Error(e.message);
      throw e;
    }
    // This command runs its own runs only (not whatever else is queued in the store).
    host.queue.limitTo([]);
    host.queue.start();
    if (!host.queue.ownsQueue) {
      process.stderr.write(`${host.queue.note ?? 'Another process runs this store\'s queue'}: it submits these runs with its own Slurm settings.\n`);
    }
    const ids: string[] = [];
    for (const it of items) {
      ids.push(...host.queue.launch([it.spec], { preset: it.preset ?? null, groupId: it.groupId ?? null, executor: { name: 'slurm', prepare: (runIds) => slurm.prepare(runIds, settings) } }));
    }
    host.queue.limitTo(ids);
    void host.queue.pump();
    const labels = new Map(ids.map((id, i) => [id, items[i]!.label]));
    const finals = new Map<string, StatusChange>();
    const lastLine = new Map<string, number>();
    host.events.subscribe((event, payload) => {
      if (event === 'training.onDidChangeStatus') {
        const s = payload as StatusChange;
        if (!labels.has(s.runId)) return;
        // An automatic requeue (--requeue) follows `interrupted` with `queued` in the same tick.
        if ((FINAL_RUN_STATUSES as readonly RunStatus[]).includes(s.status)) finals.set(s.runId, s);
        else finals.delete(s.runId);
        if (!o.json || s.status !== 'queued') process.stderr.write(`${labels.get(s.runId)} ${s.status}${s.error ? `: ${s.error}` : ''}\n`);
      } else if (event === 'training.onDidProgress') {
        const p = payload as Progress;
        if (!labels.has(p.runId)) return;
        const now = Date.now();
        if (now - (lastLine.get(p.runId) ?? 0) < 2000) return;
        lastLine.set(p.runId, now);
        const loss = p.values['train/loss'];
        process.stderr.write(`${labels.get(p.runId)} step ${p.step}/${p.totalSteps}${loss !== undefined ? ` train/loss ${typeof loss === 'number' ? loss.toPrecision(4) : loss}` : ''}\n`);
      }
    });
    // Wait for the submission (one array), then detach or follow.
    const t0 = Date.now();
    while (ids.some((id) => !host.store.getRun(id).events.some((e) => e.message.startsWith('Submitted to Slurm')) && !finals.has(id))) {
      if (Date.now() - t0 > 60_000) throw new Error('The runs were not submitted within a minute (is another LR Lab process holding this store\'s queue?).');
      await new Promise((r) => setTimeout(r, 100));
    }
    const job = host.store.getRun(ids[0]!).events.find((e) => e.message.startsWith('Submitted to Slurm'))?.data?.['jobId'];
    process.stderr.write(`submitted ${ids.length} run${ids.length === 1 ? '' : 's'} to Slurm as job ${String(job ?? '?')}\n`);
    if (o.detach) {
      process.stdout.write(o.json ? `${JSON.stringify({ jobId: job ?? null, runIds: ids })}\n` : `${ids.join('\n')}\n`);
      return null;
    }
    let cancelling = false;
    while (finals.size < ids.length) {
      if (o.shouldStop() && !cancelling) {
        cancelling = true;
        for (const id of ids) if (!finals.has(id)) host.queue.cancel(id);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    // The same result object as a local `lrlab run` (electron/cli/train.ts).
    return ids.map((id) => outputOf(host.store.getRun(id), true));
  } finally {
    await host.close('lrlab run --executor slurm ended.');
  }
}

/** Exit status of a Slurm-run command: 0 all completed, 3 one diverged, 1 otherwise. */
export function exitCodeOf(results: readonly SlurmRunResult[]): number {
  if (results.every((r) => r.status === 'completed')) return 0;
  if (results.some((r) => r.status === 'diverged') && results.every((r) => ['completed', 'diverged'].includes(r.status))) return 3;
  return 1;
}
