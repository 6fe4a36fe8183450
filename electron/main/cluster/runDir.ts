/**
 * The cluster directory: what the host and the nodes share (a filesystem every node mounts).
 *
 *   <clusterDir>/runs/<runId>/run.json             the run: id, spec, backend (host writes it)
 *   <clusterDir>/runs/<runId>/cancel               present once the host asked Slurm to cancel it
 *   <clusterDir>/runs/<runId>/attempt-NNNN/        one per start of the run on a node (worker writes):
 *        seg-NNNNNN.jsonl                          append-only, fsynced segments (segments.ts)
 *        ckpt-<step>.bin                           checkpoints, written to a temp name, fsynced, renamed
 *   <clusterDir>/launches/<launchId>/job.sh        the exact job script submitted (one array per launch)
 *   <clusterDir>/launches/<launchId>/tasks         line i = the run folder of array task i
 *   <clusterDir>/launches/<launchId>/launch.json   job id, run ids, options (the host re-attaches from it)
 *   <clusterDir>/launches/<launchId>/slurm-%A_%a.out  Slurm's stdout/stderr of each task
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSpec } from '../../../engine/spec';
import type { Checkpoint } from '../../../engine/experiments/types';
import { attemptDirs, fsyncDir } from './segments';

export interface RunFile {
  readonly format: 'lrlab-cluster-run/1';
  readonly runId: string;
  readonly spec: RunSpec;
  /** Forced backend (`--backend`), null to let the spec choose. */
  readonly backend: string | null;
  /** Resume from the checkpoint at this step (a resubmission after stopped/interrupted; -1: from scratch); absent: the latest one, if any. */
  readonly resumeFromStep?: number | null;
}

export const runDirOf = (clusterDir: string, runId: string): string => join(clusterDir, 'runs', runId);
export const launchDirOf = (clusterDir: string, launchId: string): string => join(clusterDir, 'launches', launchId);

/** Writes a file durably: temp name, fsync, rename, fsync the folder. */
export function writeFileDurably(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(join(path, '..'));
}

export function writeRunFile(runDir: string, run: Omit<RunFile, 'format'>): void {
  mkdirSync(runDir, { recursive: true });
  writeFileDurably(join(runDir, 'run.json'), JSON.stringify({ format: 'lrlab-cluster-run/1', ...run }, null, 2));
}

export function readRunFile(runDir: string): RunFile {
  const file = join(runDir, 'run.json');
  if (!existsSync(file)) throw new Error(`${runDir} is not an LR Lab run folder (no run.json).`);
  const run = JSON.parse(readFileSync(file, 'utf8')) as RunFile;
  if (run.format !== 'lrlab-cluster-run/1') throw new Error(`${file} has an unknown format (${String(run.format)}).`);
  return run;
}

/** Creates the next attempt folder (mkdir is atomic, so two starts never share one). */
export function newAttemptDir(runDir: string): { dir: string; attempt: number } {
  const existing = attemptDirs(runDir).map((d) => Number(/attempt-(\d+)$/.exec(d)?.[1] ?? 0));
  for (let n = (existing.length ? Math.max(...existing) : 0) + 1; ; n++) {
    const dir = join(runDir, `attempt-${String(n).padStart(4, '0')}`);
    try {
      mkdirSync(dir);
      fsyncDir(runDir);
      return { dir, attempt: n };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** `ckpt-<step>-e<epoch>.bin` (`-e-` for iteration-based runs without epochs). */
export const checkpointName = (step: number, epoch: number | null): string => `ckpt-${String(step).padStart(10, '0')}-e${epoch ?? '-'}.bin`;

export function writeCheckpointFile(attemptDir: string, c: Checkpoint): string {
  const name = checkpointName(c.step, c.epoch);
  writeFileDurably(join(attemptDir, name), c.bytes);
  return name;
}

/** The latest checkpoint in any attempt of a run folder (a file has its final name only once complete). */
export function latestCheckpointIn(runDir: string): { step: number; epoch: number | null; path: string } | null {
  let best: { step: number; epoch: number | null; path: string } | null = null;
  for (const dir of attemptDirs(runDir)) {
    for (const n of readdirSync(dir)) {
      const m = /^ckpt-(\d+)-e(\d+|-)\.bin$/.exec(n);
      if (!m) continue;
      const step = Number(m[1]);
      if (!best || step > best.step) best = { step, epoch: m[2] === '-' ? null : Number(m[2]), path: join(dir, n) };
    }
  }
  return best;
}

/** The checkpoint at `step` in any attempt; an error when it is not there (the run folder lost it). */
export function checkpointIn(runDir: string, step: number): { step: number; epoch: number | null; path: string } {
  for (const dir of attemptDirs(runDir)) {
    for (const n of readdirSync(dir)) {
      const m = /^ckpt-(\d+)-e(\d+|-)\.bin$/.exec(n);
      if (m && Number(m[1]) === step) return { step, epoch: m[2] === '-' ? null : Number(m[2]), path: join(dir, n) };
    }
  }
  throw new Error(`${runDir} has no checkpoint at step ${step} to resume from (was the cluster folder cleaned?).`);
}

export function readCheckpointFile(c: { step: number; epoch: number | null; path: string }): Checkpoint {
  return { step: c.step, epoch: c.epoch, bytes: new Uint8Array(readFileSync(c.path)) };
}

export const cancelMarker = (runDir: string): string => join(runDir, 'cancel');

export function markCancelled(runDir: string): void {
  writeFileDurably(cancelMarker(runDir), String(Date.now()));
}

export function clearCancelled(runDir: string): void {
  if (existsSync(cancelMarker(runDir))) renameSync(cancelMarker(runDir), `${cancelMarker(runDir)}.done-${Date.now()}`);
}
