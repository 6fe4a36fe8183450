/**
 * Slurm through its own commands only: `sbatch` (one array per launch), `squeue` and
 * `scontrol show job` (state; `sacct` is often disabled, so it is never needed), `scancel`.
 * Everything here runs on the host (a login node); the nodes only run `lrlab worker RUN_DIR`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { appFacts } from '../host/provenance';

export interface SlurmSettings {
  /** Shared folder every node mounts (run folders, job scripts). Default: `cluster/` beside the store. */
  readonly clusterDir?: string;
  readonly partition?: string | null;
  /** Time limit per task, in Slurm's format (`30:00`, `2-00:00:00`). */
  readonly time?: string | null;
  /** GPUs per task. */
  readonly gpus?: number | null;
  /** How GPUs are asked for: `--gres=gpu:N` (default; every Slurm) or `--gpus=N` (cons_tres clusters). */
  readonly gpuFlag?: 'gres' | 'gpus';
  readonly account?: string | null;
  readonly qos?: string | null;
  /** At most this many tasks of one launch at once (the array's `%N`). */
  readonly maxParallel?: number | null;
  /** Passed through as `#SBATCH` lines, e.g. `--mem=8G`, `--constraint=a100`. */
  readonly sbatchArgs?: readonly string[];
  /**
   * Automatic requeue: a task Slurm ends before the run does (time limit, preemption, node
   * failure, a killed process) is resubmitted by LR Lab from its latest checkpoint, at most this
   * many times per run (default 0: it stays `interrupted` for a manual resume). LR Lab counts and
   * records each one, so the job script says `--no-requeue` (Slurm's own requeue would not be counted).
   */
  readonly requeue?: number | null;
  /** How a node starts the worker, e.g. `lrlab worker` or `/opt/lrlab/bin/lrlab worker` (default: this installation). */
  readonly workerCommand?: string | null;
}

/** The most automatic requeues a run may get (a run Slurm keeps ending needs a person, not a loop). */
export const MAX_REQUEUE = 100;

export class SlurmError extends Error {
  override readonly name = 'SlurmError';
}

/** The settings file next to a store: `lrlab-settings.json`, section `slurm`. */
export function settingsFile(storePath: string): string {
  return join(dirname(storePath), 'lrlab-settings.json');
}

export function readSlurmSettings(storePath: string): SlurmSettings {
  const file = settingsFile(storePath);
  if (!existsSync(file)) return {};
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SlurmError(`${file} is not valid JSON (${e instanceof Error ? e.message : String(e)}). Fix or delete it.`);
  }
  const s = (doc as { slurm?: unknown }).slurm;
  if (s === undefined) return {};
  if (!s || typeof s !== 'object') throw new SlurmError(`${file}: "slurm" must be an object of defaults (partition, time, gpus, …).`);
  return s as SlurmSettings;
}

export function defaultClusterDir(storePath: string): string {
  return join(dirname(storePath), 'cluster');
}

/** Is Slurm's sbatch on the PATH? */
export function sbatchOnPath(env: NodeJS.ProcessEnv = process.env): boolean {
  return spawnSync('sh', ['-c', 'command -v sbatch'], { env, stdio: 'ignore' }).status === 0;
}

function slurmCmd(cmd: string, args: readonly string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SlurmError(`Slurm's \`${cmd}\` is not on the PATH. Run LR Lab on a machine that can submit jobs (a login node), or start a test cluster here with \`npm run slurm:up\`.`);
    throw new SlurmError(`\`${cmd}\` could not run: ${r.error.message}`);
  }
  return { ok: r.status === 0, out: r.stdout.trim(), err: r.stderr.trim() };
}

/** Partitions the cluster has (the default one first). */
export function partitions(): { names: string[]; default: string | null } {
  const r = slurmCmd('sinfo', ['-h', '-o', '%P']);
  if (!r.ok) throw new SlurmError(`\`sinfo\` failed: ${r.err || r.out}. Is slurmctld reachable (SLURM_CONF)?`);
  const raw = [...new Set(r.out.split('\n').map((l) => l.trim()).filter(Boolean))];
  const def = raw.find((p) => p.endsWith('*'))?.slice(0, -1) ?? null;
  const names = raw.map((p) => p.replace(/\*$/, ''));
  return { names: def ? [def, ...names.filter((n) => n !== def)] : names, default: def };
}

/**
 * Checks what can be checked before anything is written or submitted: sbatch is there, the
 * partition exists, the cluster folder is writable. Throws SlurmError saying what to do.
 */
export function preflight(s: SlurmSettings & { clusterDir: string }): void {
  if (!sbatchOnPath()) {
    throw new SlurmError("Slurm's `sbatch` is not on the PATH, so runs cannot go to a cluster from here. Run LR Lab on a login node of the cluster, or start a local test cluster with `npm run slurm:up`.");
  }
  const parts = partitions();
  if (s.partition && !parts.names.includes(s.partition)) {
    throw new SlurmError(`Slurm has no partition "${s.partition}". Partitions here: ${parts.names.join(', ') || '(none)'}${parts.default ? ` (default ${parts.default})` : ''}.`);
  }
  if (s.maxParallel !== undefined && s.maxParallel !== null && (!Number.isInteger(s.maxParallel) || s.maxParallel < 1)) {
    throw new SlurmError(`--max-parallel must be a positive integer, got ${String(s.maxParallel)}.`);
  }
  if (s.requeue !== undefined && s.requeue !== null && (!Number.isInteger(s.requeue) || s.requeue < 0 || s.requeue > MAX_REQUEUE)) {
    throw new SlurmError(`--requeue must be a whole number from 0 to ${MAX_REQUEUE} (automatic resubmissions per run), got ${String(s.requeue)}.`);
  }
  if (s.gpus !== undefined && s.gpus !== null && (!Number.isInteger(s.gpus) || s.gpus < 0)) {
    throw new SlurmError(`--gpus must be a whole number of GPUs per run, got ${String(s.gpus)}.`);
  }
  try {
    mkdirSync(s.clusterDir, { recursive: true });
    accessSync(s.clusterDir, constants.W_OK);
    const probe = join(s.clusterDir, `.write-test-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
  } catch (e) {
    throw new SlurmError(
      `The cluster folder ${s.clusterDir} is not writable (${(e as NodeJS.ErrnoException).code ?? String(e)}). Pass --cluster-dir DIR on a filesystem the nodes share and you can write to.`,
    );
  }
}

const q = (p: string): string => `'${p.replace(/'/g, `'\\''`)}'`;

/** How a node starts `lrlab worker`: this installation's built CLI, or its source through tsx when not built. */
export function defaultWorkerCommand(): string {
  const root = appFacts().root;
  if (existsSync(join(root, 'out', 'main', 'cli.js'))) return `${q(process.execPath)} ${q(join(root, 'bin', 'lrlab.js'))} worker`;
  return sourceWorkerCommand();
}

/** The worker from this checkout's TypeScript (tests: the code under test, whatever `out/` holds). */
export function sourceWorkerCommand(): string {
  const root = appFacts().root;
  const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return `${q(process.execPath)} --import ${q(tsx)} ${q(join(root, 'electron', 'main', 'cluster', 'workerMain.ts'))}`;
}

export interface JobScriptInput {
  readonly launchId: string;
  readonly launchDir: string;
  readonly tasks: number;
  readonly settings: SlurmSettings;
}

/** The job script of one launch: an array whose task i runs the run folder on line i+1 of `tasks`. */
export function jobScript(i: JobScriptInput): string {
  const s = i.settings;
  const lines = ['#!/bin/bash', `#SBATCH --job-name=lrlab-${i.launchId}`, `#SBATCH --array=0-${i.tasks - 1}${s.maxParallel ? `%${s.maxParallel}` : ''}`, `#SBATCH --output=${join(i.launchDir, 'slurm-%A_%a.out')}`];
  if (s.partition) lines.push(`#SBATCH --partition=${s.partition}`);
  if (s.time) lines.push(`#SBATCH --time=${s.time}`);
  if (s.gpus) lines.push(s.gpuFlag === 'gpus' ? `#SBATCH --gpus=${s.gpus}` : `#SBATCH --gres=gpu:${s.gpus}`);
  if (s.account) lines.push(`#SBATCH --account=${s.account}`);
  if (s.qos) lines.push(`#SBATCH --qos=${s.qos}`);
  // LR Lab resubmits what Slurm ends (settings.requeue) and counts it; Slurm must not requeue on its own.
  lines.push('#SBATCH --no-requeue');
  for (const a of s.sbatchArgs ?? []) lines.push(`#SBATCH ${a}`);
  lines.push(
    `# Written by LR Lab ${appFacts().appVersion} (launch ${i.launchId}, ${i.tasks} run${i.tasks === 1 ? '' : 's'}).`,
    'set -u',
    `RUN_DIR=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" '${join(i.launchDir, 'tasks')}')`,
    `exec ${s.workerCommand ?? defaultWorkerCommand()} "$RUN_DIR"`,
    '',
  );
  return lines.join('\n');
}

/** Submits a job script; returns the array's job id. */
export function submit(script: string): string {
  const r = slurmCmd('sbatch', ['--parsable', script]);
  if (!r.ok) throw new SlurmError(`sbatch refused the job: ${r.err || r.out}`);
  const id = r.out.split('\n').pop()?.split(';')[0]?.trim() ?? '';
  if (!/^\d+$/.test(id)) throw new SlurmError(`sbatch printed no job id (${r.out}).`);
  return id;
}

export type TaskPhase = 'pending' | 'running' | 'ended';

export interface TaskState {
  /** `<arrayJobId>_<taskId>` */
  readonly id: string;
  readonly state: string;
  readonly phase: TaskPhase;
  readonly node: string | null;
  readonly partition: string | null;
  readonly reason: string | null;
}

const PENDING = new Set(['PENDING', 'CONFIGURING', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESIZING', 'SUSPENDED', 'STOPPED', 'SIGNALING']);
const RUNNING = new Set(['RUNNING', 'COMPLETING', 'STAGE_OUT']);

export function phaseOf(state: string): TaskPhase {
  const s = state.replace(/\+$/, '').split(' ')[0] ?? '';
  if (PENDING.has(s)) return 'pending';
  if (RUNNING.has(s)) return 'running';
  return 'ended';
}

/**
 * The tasks of these array jobs Slurm still knows (squeue shows finished tasks for MinJobAge
 * seconds, then forgets them: a task missing here has ended).
 */
export function taskStates(arrayJobIds: readonly string[]): Map<string, TaskState> {
  const out = new Map<string, TaskState>();
  for (const jobId of arrayJobIds) {
    const r = slurmCmd('squeue', ['-h', '-r', '-t', 'all', '-j', jobId, '-o', '%i|%T|%N|%P|%r']);
    if (!r.ok) {
      if (/invalid job id/i.test(r.err)) continue; // forgotten: every task ended
      throw new SlurmError(`squeue failed: ${r.err || r.out}`);
    }
    for (const line of r.out.split('\n')) {
      const [id, state, node, partition, reason] = line.split('|');
      if (!id || !state) continue;
      out.set(id, { id, state, phase: phaseOf(state), node: node || null, partition: partition || null, reason: reason && reason !== 'None' ? reason : null });
    }
  }
  return out;
}

/** `scontrol show job` of one task, as key=value pairs (empty once Slurm forgot it). */
export function showJob(taskId: string): Record<string, string> {
  const r = slurmCmd('scontrol', ['show', 'job', '-o', taskId]);
  if (!r.ok) return {};
  const out: Record<string, string> = {};
  for (const m of r.out.matchAll(/(\w+)=(\S*)/g)) out[m[1] as string] = m[2] as string;
  return out;
}

/** Cancels one array task (Slurm sends SIGTERM, then SIGKILL after KillWait). */
export function cancelTask(taskId: string): void {
  const r = slurmCmd('scancel', [taskId]);
  if (!r.ok && !/already completing or completed|invalid job id/i.test(r.err)) throw new SlurmError(`scancel ${taskId} failed: ${r.err || r.out}`);
}

/** For tests and diagnostics: the pid Slurm's step runs for a task, via `scontrol listpids` on this node. */
export function taskPids(taskId: string): number[] {
  try {
    const jobId = showJob(taskId)['JobId'];
    if (!jobId) return [];
    const out = execFileSync('scontrol', ['listpids', jobId], { encoding: 'utf8' });
    return out
      .split('\n')
      .slice(1)
      .map((l) => Number(l.trim().split(/\s+/)[0]))
      .filter((n) => Number.isInteger(n) && n > 0);
  } catch {
    return [];
  }
}
