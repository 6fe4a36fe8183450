import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { openStore } from './index';
import { StoreError } from './errors';
import { spawnFixture, tempDir } from './test-fixtures/helpers';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('lrlab-lock-'));
});
afterEach(() => cleanup());

function lockedError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('locked');
    return err as StoreError;
  }
  throw new Error('expected StoreError locked');
}

describe('queue ownership lock', () => {
  it('two stores on one file: the second is refused with the owner named, until the first releases', () => {
    const file = join(dir, 'q.sqlite');
    const a = openStore(file, { hostname: 'alpha' });
    const b = openStore(file, { hostname: 'beta' });
    try {
      const lockA = a.acquireHostLock('gui-alpha', { pid: 1111 });
      expect(a.acquireHostLock('gui-alpha', { pid: 1111 }).ownerId).toBe('gui-alpha'); // re-entrant
      const e = lockedError(() => b.acquireHostLock('cli-beta'));
      expect(e.message).toMatch(/owned by gui-alpha \(pid 1111 on alpha, since .*Z/);
      expect(e.message).toContain(file);
      expect(b.hostLockOwner()).toMatchObject({ ownerId: 'gui-alpha', pid: 1111, host: 'alpha' });
      lockA.heartbeat();
      lockA.release();
      const lockB = b.acquireHostLock('cli-beta');
      lockedError(() => lockA.heartbeat()); // A lost it
      lockB.release();
      expect(a.hostLockOwner()).toBeNull();
    } finally {
      a.close();
      b.close();
    }
  });

  it('a lock whose heartbeat is older than staleAfterMs can be taken over', () => {
    const file = join(dir, 'q.sqlite');
    let t = 1_000_000;
    const a = openStore(file, { hostname: 'alpha', now: () => t });
    const b = openStore(file, { hostname: 'beta', now: () => t });
    try {
      a.acquireHostLock('a', { pid: 1 });
      t += 10_000;
      lockedError(() => b.acquireHostLock('b', { staleAfterMs: 30_000 }));
      t += 25_000;
      expect(b.acquireHostLock('b', { staleAfterMs: 30_000 }).ownerId).toBe('b');
    } finally {
      a.close();
      b.close();
    }
  });

  it('a child process holds the lock; once it is killed, this host takes it at once', async () => {
    const file = join(dir, 'q.sqlite');
    openStore(file).close();
    const child = spawnFixture('lockHolderChild.ts', [file, 'child-host']);
    const s = openStore(file);
    try {
      await child.waitFor((l) => l === 'locked');
      const e = lockedError(() => s.acquireHostLock('parent', { staleAfterMs: 60_000 }));
      expect(e.message).toContain(`owned by child-host (pid ${child.child.pid} on ${hostname()}`);
      child.child.kill('SIGKILL');
      await child.exited;
      const lock = s.acquireHostLock('parent', { staleAfterMs: 60_000 });
      expect(s.hostLockOwner()).toMatchObject({ ownerId: 'parent', pid: process.pid });
      lock.release();
    } finally {
      child.child.kill('SIGKILL');
      s.close();
    }
  });
});
