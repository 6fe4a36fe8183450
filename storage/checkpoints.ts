/**
 * Checkpoints live in files next to the database, `<db>.checkpoints/<runId>/step-<step>.ckpt`,
 * referenced by a row with their size and SHA-256. Why files and not blobs: WRN-16-10 checkpoints
 * are 70–200 MB per epoch; as blobs they would bloat the WAL (each one written twice), make every
 * backup/copy of the store huge, and hold the single write lock while they are written. Files are
 * written atomically (temporary file, fsync, rename, fsync of the folder) *before* the row is
 * committed, so a row never points at a half-written file; a crash between the two leaves only an
 * orphan file, which the run's hard delete removes with its folder.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Checkpoint } from '../engine/experiments/types';
import type { StoreCore } from './core';
import { StoreError, toStoreError } from './errors';
import { insertEvent } from './runs';
import type { CheckpointInfo } from './types';

interface DbCheckpoint {
  step: number;
  epoch: number | null;
  file: string;
  size_bytes: number;
  sha256: string;
  created_at: number;
}

export function runCheckpointDir(core: StoreCore, runId: string): string {
  return join(core.checkpointDir, runId);
}

function toInfo(core: StoreCore, runId: string, r: DbCheckpoint): CheckpointInfo {
  return {
    step: r.step,
    epoch: r.epoch,
    file: join(runCheckpointDir(core, runId), r.file),
    sizeBytes: r.size_bytes,
    sha256: r.sha256,
    createdAt: r.created_at,
  };
}

export function listCheckpoints(core: StoreCore, runId: string, rid: number): CheckpointInfo[] {
  return (core.stmt('SELECT * FROM checkpoints WHERE run_rid = ? ORDER BY step').all(rid) as DbCheckpoint[]).map((r) =>
    toInfo(core, runId, r),
  );
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Writes a checkpoint durably, records it, and removes all but the newest `keepLast`
 * checkpoints of the run (files and rows).
 */
export async function saveCheckpoint(
  core: StoreCore,
  runId: string,
  ckpt: Checkpoint,
  keepLast: number,
): Promise<CheckpointInfo> {
  core.assertOpen();
  core.rid(runId); // fail early for an unknown run
  const dir = runCheckpointDir(core, runId);
  const name = `step-${String(ckpt.step).padStart(10, '0')}.ckpt`;
  const final = join(dir, name);
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  const sha256 = createHash('sha256').update(ckpt.bytes).digest('hex');
  try {
    await mkdir(dir, { recursive: true });
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(ckpt.bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, final);
    await fsyncDir(dir);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw toStoreError(err, final, 'writing a checkpoint');
  }
  const stale: string[] = [];
  core.write('recording a checkpoint', () => {
    const rid = core.rid(runId);
    core
      .stmt(
        `INSERT OR REPLACE INTO checkpoints(run_rid, step, epoch, file, size_bytes, sha256, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(rid, ckpt.step, ckpt.epoch, name, ckpt.bytes.byteLength, sha256, core.now());
    if (Number.isFinite(keepLast)) {
      const old = core
        .stmt('SELECT id, file FROM checkpoints WHERE run_rid = ? ORDER BY step DESC LIMIT -1 OFFSET ?')
        .all(rid, Math.max(1, keepLast)) as { id: number; file: string }[];
      const del = core.stmt('DELETE FROM checkpoints WHERE id = ?');
      for (const o of old) {
        del.run(o.id);
        stale.push(join(dir, o.file));
      }
    }
  });
  await Promise.all(stale.map((f) => rm(f, { force: true })));
  const row = core.stmt('SELECT * FROM checkpoints WHERE run_rid = ? AND step = ?').get(core.rid(runId), ckpt.step) as DbCheckpoint;
  return toInfo(core, runId, row);
}

/** Reads and verifies one checkpoint file (size and SHA-256 as recorded). */
async function readVerified(core: StoreCore, runId: string, row: DbCheckpoint): Promise<Checkpoint> {
  const file = join(runCheckpointDir(core, runId), row.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new StoreError(
        'not_found',
        `The checkpoint file ${file} of run ${runId} (step ${row.step}) is missing. Start the run again from the ` +
          'beginning, or put the file back.',
        file,
        { cause: err },
      );
    }
    throw toStoreError(err, file, 'reading a checkpoint');
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (bytes.byteLength !== row.size_bytes || sha !== row.sha256) {
    throw new StoreError(
      'corrupt',
      `The checkpoint file ${file} of run ${runId} is damaged (size or SHA-256 differs from when it was saved). ` +
        'Start the run again from the beginning.',
      file,
    );
  }
  return { step: row.step, epoch: row.epoch, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

/**
 * The newest usable checkpoint of a run with its bytes (size and SHA-256 verified), or null if it
 * has none. A missing or damaged newest file falls back to the next newest (why more than one is
 * kept), recording a warning event; if none is usable, the newest one's error is thrown.
 */
export async function latestCheckpoint(core: StoreCore, runId: string): Promise<Checkpoint | null> {
  core.assertOpen();
  const rid = core.rid(runId);
  const rows = core.stmt('SELECT * FROM checkpoints WHERE run_rid = ? ORDER BY step DESC').all(rid) as DbCheckpoint[];
  let firstError: unknown = null;
  for (const row of rows) {
    try {
      const ckpt = await readVerified(core, runId, row);
      if (firstError) {
        const reason = firstError instanceof Error ? firstError.message : String(firstError);
        core.write('recording a checkpoint warning', () =>
          insertEvent(core, rid, {
            kind: 'warning',
            step: row.step,
            epoch: row.epoch,
            message: `Resuming from the checkpoint at step ${row.step}: a newer one is unusable. ${reason}`,
          }),
        );
      }
      return ckpt;
    } catch (err) {
      if (!(err instanceof StoreError) || (err.code !== 'corrupt' && err.code !== 'not_found')) throw err;
      firstError ??= err;
    }
  }
  if (firstError) throw firstError;
  return null;
}

/** Removes a run's checkpoint folder (after its rows are gone). */
export async function removeCheckpointDir(core: StoreCore, runId: string): Promise<void> {
  await rm(runCheckpointDir(core, runId), { recursive: true, force: true });
}
