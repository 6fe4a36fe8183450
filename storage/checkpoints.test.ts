import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type RunStore } from './index';
import { StoreError } from './errors';
import { sampleRun, tempDir } from './test-fixtures/helpers';

let dir: string;
let cleanup: () => void;
let s: RunStore;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  s = openStore(join(dir, 'ck.sqlite'), { keepCheckpoints: 2 });
});
afterEach(() => {
  s.close();
  cleanup();
});

const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

async function rejectsWith(p: Promise<unknown>, code: string): Promise<StoreError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe(code);
    return err as StoreError;
  }
  throw new Error(`expected a StoreError ${code}`);
}

describe('checkpoints', () => {
  it('writes files next to the store, returns the newest verified, keeps the newest N', async () => {
    const { id } = s.createRun(sampleRun());
    expect(await s.latestCheckpoint(id)).toBeNull();
    for (let epoch = 1; epoch <= 4; epoch++) {
      const info = await s.saveCheckpoint(id, { step: epoch * 100, epoch, bytes: bytes(10_000 + epoch, epoch) });
      expect(info.file).toBe(join(dir, 'ck.sqlite.checkpoints', id, `step-${String(epoch * 100).padStart(10, '0')}.ckpt`));
      expect(info.sizeBytes).toBe(10_000 + epoch);
    }
    const latest = await s.latestCheckpoint(id);
    expect(latest?.step).toBe(400);
    expect(latest?.epoch).toBe(4);
    expect(Buffer.from(latest?.bytes ?? []).equals(Buffer.from(bytes(10_004, 4)))).toBe(true);
    expect(s.getRun(id).checkpoints.map((c) => c.step)).toEqual([300, 400]);
    // only the kept files remain, and no temporary file is left behind
    expect(readdirSync(join(dir, 'ck.sqlite.checkpoints', id)).sort()).toEqual([
      'step-0000000300.ckpt',
      'step-0000000400.ckpt',
    ]);
  });

  it('falls back to the previous checkpoint when the newest is damaged, and says so', async () => {
    const { id } = s.createRun(sampleRun());
    const older = await s.saveCheckpoint(id, { step: 5, epoch: 1, bytes: bytes(100, 1) });
    const newer = await s.saveCheckpoint(id, { step: 10, epoch: 2, bytes: bytes(100, 2) });
    writeFileSync(newer.file, Buffer.from(bytes(100, 3)));
    const got = await s.latestCheckpoint(id);
    expect(got?.step).toBe(5);
    const warning = s.getRun(id).events.find((e) => e.kind === 'warning');
    expect(warning?.message).toContain(newer.file);
    // none usable: the newest one's error, naming its file
    rmSync(older.file);
    const e = await rejectsWith(s.latestCheckpoint(id), 'corrupt');
    expect(e.message).toContain(newer.file);
    rmSync(newer.file);
    await rejectsWith(s.latestCheckpoint(id), 'not_found');
  });

  it('hard delete removes the checkpoint folder; soft delete keeps it', async () => {
    const { id } = s.createRun(sampleRun());
    const info = await s.saveCheckpoint(id, { step: 5, epoch: 1, bytes: bytes(100, 1) });
    s.deleteRun(id);
    expect(existsSync(info.file)).toBe(true);
    await s.purgeRun(id);
    expect(existsSync(join(dir, 'ck.sqlite.checkpoints', id))).toBe(false);
  });

  it('refuses a checkpoint for an unknown run', async () => {
    await rejectsWith(s.saveCheckpoint('ghost', { step: 1, epoch: null, bytes: bytes(1, 1) }), 'not_found');
  });
});
