/**
 * Issue 14, items 1 and 2: a damaged store is never written to (byte-identical afterwards), and
 * read-only opens work on a read-only store and a full disk.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from './index';
import { StoreError } from './errors';
import { sampleRun, tempDir } from './test-fixtures/helpers';
import { goodStore, scribble } from './test-fixtures/damage';
import { readOnlyFolder, tinyFilesystem } from './test-fixtures/mounts';

let dir: string;
let cleanup: () => void;
const releases: (() => void)[] = [];
beforeEach(() => {
  ({ dir, cleanup } = tempDir('lrlab-integrity-'));
});
afterEach(() => {
  for (const r of releases.splice(0).reverse()) r();
  cleanup();
});

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function thrown(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    return e as StoreError;
  }
  throw new Error('expected a StoreError');
}

describe('a damaged store', () => {
  it('refuses every write, says so truthfully, and stays byte-identical', () => {
    const file = join(dir, 'damaged.sqlite');
    goodStore(file);
    scribble(file);
    const before = sha(file);
    let s;
    try {
      s = openStore(file);
    } catch (e) {
      // opening may already trip over the damage: then too the file is unchanged
      expect((e as StoreError).code).toBe('corrupt');
      expect(sha(file)).toBe(before);
      return;
    }
    const e = thrown(() => s.createRun(sampleRun()));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(/is damaged .*did not change it and will not write to it.*lrlab doctor/);
    expect(thrown(() => s.renameRun('keep-0', 'x')).code).toBe('corrupt'); // the verdict is kept
    s.close();
    expect(sha(file)).toBe(before);
  });

  it('checkSound reports the damage up front (the host calls it at start)', () => {
    const file = join(dir, 'damaged.sqlite');
    goodStore(file);
    scribble(file);
    let code: string | null = null;
    try {
      const s = openStore(file, { readOnly: true });
      try {
        s.checkSound();
      } finally {
        s.close();
      }
    } catch (e) {
      code = (e as StoreError).code;
    }
    expect(code).toBe('corrupt');
  });

  it('a sound store passes the check once and writes as before', () => {
    const file = join(dir, 'good.sqlite');
    goodStore(file, 1);
    const s = openStore(file);
    s.checkSound();
    expect(s.createRun(sampleRun()).status).toBe('queued');
    s.close();
  });
});

describe('read-only opens (list, show, info)', () => {
  it('write nothing: a dead run stays running, the file and its folder are unchanged', () => {
    const file = join(dir, 'ro.sqlite');
    goodStore(file, 1);
    const w = openStore(file);
    const { id } = w.createRun(sampleRun({ id: 'ghost' }));
    w.markRunning(id, { pid: 2 ** 22 + 12345 }); // no such process
    w.close();
    const before = sha(file);
    const s = openStore(file, { readOnly: true, isProcessAlive: () => false });
    expect(s.readOnly).toBe(true);
    expect(s.recoveredOnOpen).toEqual([]);
    expect(s.getRun('ghost').status).toBe('running');
    expect(s.listRuns().total).toBe(2);
    expect(thrown(() => s.renameRun('ghost', 'x')).code).toBe('unwritable');
    s.close();
    expect(sha(file)).toBe(before);
  });

  it('work on a read-only file system, where a normal open is refused', (ctx) => {
    const ro = readOnlyFolder(dir, (d) => goodStore(join(d, 'runs.sqlite'), 2));
    if (!ro) return ctx.skip('cannot make a read-only folder here');
    releases.push(ro.release);
    const file = join(ro.dir, 'runs.sqlite');
    expect(thrown(() => openStore(file)).code).toBe('unwritable');
    const s = openStore(file, { readOnly: true });
    expect(s.listRuns().rows.map((r) => r.id).sort()).toEqual(['keep-0', 'keep-1']);
    expect(s.getRun('keep-1').metrics.find((m) => m.key === 'loss')?.nPoints).toBe(2000);
    s.close();
  });

  it('work on a full disk, where marking dead runs interrupted cannot', (ctx) => {
    const tiny = tinyFilesystem(dir, '1m');
    if (!tiny) return ctx.skip('cannot mount a tmpfs here');
    releases.push(tiny.release);
    const file = join(tiny.dir, 'runs.sqlite');
    goodStore(file, 1);
    const w = openStore(file);
    w.markRunning(w.createRun(sampleRun({ id: 'ghost' })).id, { pid: 2 ** 22 + 12345 });
    w.close();
    // fill the disk to the last byte
    const fd = openSync(join(tiny.dir, 'fill'), 'w');
    try {
      const block = Buffer.alloc(4096);
      for (;;) writeSync(fd, block);
    } catch {
      // ENOSPC: full
    } finally {
      closeSync(fd);
    }
    expect(() => openStore(file, { isProcessAlive: () => false })).toThrow(StoreError);
    const s = openStore(file, { readOnly: true, isProcessAlive: () => false });
    expect(s.listRuns().total).toBe(2);
    expect(s.getRun('keep-0').status).toBe('completed');
    s.close();
  });
});

describe('an empty file', () => {
  it('is refused for reading too, unchanged', () => {
    const file = join(dir, 'empty.sqlite');
    writeFileSync(file, '');
    expect(thrown(() => openStore(file, { readOnly: true })).code).toBe('not_a_store');
    expect(statSync(file).size).toBe(0);
  });
});
