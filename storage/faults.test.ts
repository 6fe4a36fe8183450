import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSync, readFileSync, ftruncateSync, closeSync, writeFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, SCHEMA_VERSION } from './index';
import { StoreError } from './errors';
import { sampleRun, spawnFixture, tempDir } from './test-fixtures/helpers';
import { readOnlyFolder, tinyFilesystem } from './test-fixtures/mounts';

let dir: string;
let cleanup: () => void;
const releases: (() => void)[] = [];
beforeEach(() => {
  ({ dir, cleanup } = tempDir('lrlab-faults-'));
});
afterEach(() => {
  for (const r of releases.splice(0).reverse()) r();
  cleanup();
});

function storeError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return err as StoreError;
  }
  throw new Error('expected a StoreError');
}

/** A store with one finished run of 1 000 points, closed (WAL checkpointed into the file). */
function makeStore(file: string): string {
  const s = openStore(file);
  const { id } = s.createRun(sampleRun({ id: 'keep' }));
  const w = s.metricWriter(id);
  for (let i = 0; i < 1000; i++) w.writePoint('loss', i, 1 / (i + 1));
  w.close();
  s.close();
  return id;
}

describe('opening faults', () => {
  it('a folder that cannot be created (a file is in the way) is unwritable, naming the file', () => {
    writeFileSync(join(dir, 'blocker'), 'x');
    const file = join(dir, 'blocker', 'sub', 'runs.sqlite');
    const e = storeError(() => openStore(file));
    expect(e.code).toBe('unwritable');
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/Choose a folder you can write to/);
  });

  it('a read-only folder is unwritable, for a new store and for an existing one', (ctx) => {
    const ro = readOnlyFolder(dir, (d) => makeStore(join(d, 'old.sqlite')));
    if (!ro) return ctx.skip('cannot make a read-only folder here');
    releases.push(ro.release);
    const fresh = storeError(() => openStore(join(ro.dir, 'new.sqlite')));
    expect(fresh.code).toBe('unwritable');
    expect(fresh.message).toContain(join(ro.dir, 'new.sqlite'));
    const old = storeError(() => openStore(join(ro.dir, 'old.sqlite')));
    expect(old.code).toBe('unwritable');
    expect(old.message).toContain(join(ro.dir, 'old.sqlite'));
  });

  it('a file of random bytes is refused as corrupt and left unchanged', () => {
    const file = join(dir, 'random.sqlite');
    const junk = Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919 + 13) & 255));
    writeFileSync(file, junk);
    const e = storeError(() => openStore(file));
    expect(e.code).toBe('corrupt');
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/did not change it/);
    expect(readFileSync(file).equals(junk)).toBe(true);
  });

  it('an existing empty (0-byte) file is refused, not silently turned into a new store', () => {
    const file = join(dir, 'typo.sqlite');
    writeFileSync(file, '');
    const e = storeError(() => openStore(file));
    expect(e.code).toBe('not_a_store');
    expect(e.message).toMatch(/is an empty file \(0 bytes\).*did not change it.*delete the empty file/);
    expect(statSync(file).size).toBe(0);
    // a path that does not exist yet is still a new store
    const fresh = openStore(join(dir, 'new.sqlite'));
    fresh.close();
  });

  it('a truncated store is refused as corrupt and left unchanged', () => {
    const file = join(dir, 'trunc.sqlite');
    makeStore(file);
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    ftruncateSync(fd, Math.floor(size / 2));
    closeSync(fd);
    const e = storeError(() => openStore(file));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(/truncated/);
    expect(e.message).toContain(file);
    expect(statSync(file).size).toBe(Math.floor(size / 2));
  });

  it('a store damaged inside (pages overwritten) fails with corrupt, not a crash', () => {
    const file = join(dir, 'damaged.sqlite');
    makeStore(file);
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    // keep page 1 (header + schema), scribble over every other page
    const page = 4096;
    const junk = Buffer.alloc(page, 0xa5);
    for (let off = page; off < size; off += page) writeSync(fd, junk, 0, page, off);
    closeSync(fd);
    let err: unknown = null;
    try {
      const s = openStore(file);
      try {
        s.listRuns();
        s.getSeries({ runIds: ['keep'], keys: ['loss'] });
      } finally {
        s.close();
      }
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('corrupt');
    expect((err as StoreError).message).toContain(file);
  });

  it('a store written by a newer LR Lab is refused and left unchanged', () => {
    const file = join(dir, 'newer.sqlite');
    makeStore(file);
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = readFileSync(file);
    const e = storeError(() => openStore(file));
    expect(e.code).toBe('newer_schema');
    expect(e.message).toMatch(new RegExp(`schema v${SCHEMA_VERSION + 1}.*Update LR Lab`));
    expect(e.message).toContain(file);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('an SQLite file that is not a store is refused', () => {
    const file = join(dir, 'other.sqlite');
    const db = new Database(file);
    db.exec('CREATE TABLE customers(id INTEGER)');
    db.close();
    expect(storeError(() => openStore(file)).code).toBe('not_a_store');
  });

  it('a new store gets the current schema version; reopening does not migrate again', () => {
    const file = join(dir, 'v.sqlite');
    makeStore(file);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const s = openStore(file);
    expect(s.getRun('keep').metrics[0]?.nPoints).toBe(1000);
    s.close();
  });
});

describe('a store locked by another process', () => {
  it('writes fail with locked (naming the file) while another process holds the write lock, then work', async () => {
    const file = join(dir, 'locked.sqlite');
    makeStore(file);
    const child = spawnFixture('sqliteLockerChild.ts', [file]);
    try {
      await child.waitFor((l) => l === 'holding');
      const s = openStore(file, { busyTimeoutMs: 150 });
      try {
        const e = storeError(() => s.createRun(sampleRun()));
        expect(e.code).toBe('locked');
        expect(e.message).toContain(file);
        expect(e.message).toMatch(/wait for it to finish or close it/);
        expect(s.getRun('keep').metrics[0]?.nPoints).toBe(1000); // reads still work (WAL)
        child.child.stdin?.end();
        await child.exited;
        expect(s.createRun(sampleRun()).status).toBe('queued');
      } finally {
        s.close();
      }
    } finally {
      child.child.kill('SIGKILL');
    }
  });

  it('opening fails with locked when another program holds an exclusive lock on a rollback-journal file', async () => {
    const file = join(dir, 'excl.sqlite');
    const child = spawnFixture('sqliteLockerChild.ts', [file]);
    try {
      await child.waitFor((l) => l === 'holding');
      const e = storeError(() => openStore(file, { busyTimeoutMs: 150 }));
      expect(e.code).toBe('locked');
      expect(e.message).toContain(file);
    } finally {
      child.child.kill('SIGKILL');
      await child.exited;
    }
  });
});

describe('disk full', () => {
  it('on a tiny file system: the failing flush writes nothing, earlier points and runs stay intact', (ctx) => {
    const tiny = tinyFilesystem(dir, '1536k');
    if (!tiny) return ctx.skip('cannot mount a tmpfs here (the injected-fault tests cover disk full)');
    releases.push(tiny.release);
    const file = join(tiny.dir, 'full.sqlite');
    const s = openStore(file);
    let closed = false;
    try {
      const keep = s.createRun(sampleRun({ id: 'keep' })).id;
      const w0 = s.metricWriter(keep);
      for (let i = 0; i < 100; i++) w0.writePoint('loss', i, i);
      w0.close();
      const { id } = s.createRun(sampleRun());
      const w = s.metricWriter(id, { flushEveryPoints: 1e9, flushEveryMs: 1e9 });
      let err: unknown = null;
      let flushed = 0;
      for (let batch = 0; batch < 200 && !err; batch++) {
        for (let i = 0; i < 2000; i++) w.writePoint('loss', batch * 2000 + i, Math.random());
        try {
          flushed += w.flush();
        } catch (e) {
          err = e;
        }
      }
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('disk_full');
      expect((err as StoreError).message).toContain(file);
      expect((err as StoreError).message).toMatch(/free some space/);
      // exactly the points of successful flushes are there; the failed batch left nothing
      expect(s.getSeries({ runIds: [id], keys: ['loss'] })[0]?.steps.length).toBe(flushed);
      expect(s.getRun(id).metrics[0]?.nPoints ?? 0).toBe(flushed);
      expect(s.getSeries({ runIds: [keep], keys: ['loss'] })[0]?.steps.length).toBe(100);
      expect(s.integrityCheck()).toEqual(['ok']);
      try {
        w.close();
      } catch {
        // still full: the pending batch is dropped with the writer
      }
      s.close();
      closed = true;
      const again = openStore(file);
      expect(again.getSeries({ runIds: [keep], keys: ['loss'] })[0]?.steps.length).toBe(100);
      expect(again.integrityCheck()).toEqual(['ok']);
      again.close();
    } finally {
      if (!closed) {
        try {
          s.close();
        } catch {
          // best effort
        }
      }
    }
  });
});
