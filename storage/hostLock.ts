/**
 * Queue ownership: at most one host process runs the queue of a store file. The owner keeps a
 * heartbeat in the host_lock row; another process may take the lock only when the heartbeat is
 * older than `staleAfterMs`, or at once when the owner was on this machine and its process is gone.
 */
import type { StoreCore } from './core';
import { StoreError } from './errors';
import type { HostLockOwner } from './types';

export interface HostLockOptions {
  /** A heartbeat older than this frees the lock (default 30 s). */
  readonly staleAfterMs?: number;
  /** Beat automatically this often (unref'd timer); off when absent. */
  readonly heartbeatEveryMs?: number;
  readonly pid?: number;
}

interface DbLock {
  owner_id: string;
  pid: number;
  host: string;
  acquired_at: number;
  heartbeat_at: number;
}

function toOwner(r: DbLock): HostLockOwner {
  return { ownerId: r.owner_id, pid: r.pid, host: r.host, acquiredAt: r.acquired_at, heartbeatAt: r.heartbeat_at };
}

export function hostLockOwner(core: StoreCore): HostLockOwner | null {
  const r = core.stmt('SELECT * FROM host_lock WHERE slot = 1').get() as DbLock | undefined;
  return r ? toOwner(r) : null;
}

export class HostLock {
  private timer: ReturnType<typeof setInterval> | null = null;
  private released = false;

  constructor(
    private readonly core: StoreCore,
    readonly ownerId: string,
    heartbeatEveryMs: number | undefined,
  ) {
    if (heartbeatEveryMs !== undefined) {
      this.timer = setInterval(() => {
        try {
          this.heartbeat();
        } catch {
          // a lost lock is reported by the next explicit heartbeat(); stop beating
          this.stopTimer();
        }
      }, heartbeatEveryMs);
      this.timer.unref?.();
    }
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Refreshes the heartbeat; throws StoreError('locked') if another owner took the lock meanwhile. */
  heartbeat(): void {
    this.core.write('refreshing the queue lock', () => {
      const r = this.core
        .stmt('UPDATE host_lock SET heartbeat_at = ? WHERE slot = 1 AND owner_id = ?')
        .run(this.core.now(), this.ownerId);
      if (r.changes === 0) {
        const other = hostLockOwner(this.core);
        throw new StoreError(
          'locked',
          `${this.ownerId} lost the queue lock of ${this.core.file}` +
            (other ? ` to ${other.ownerId} (pid ${other.pid} on ${other.host})` : '') +
            '. Stop running queued runs here; the other owner runs the queue now.',
          this.core.file,
        );
      }
    });
  }

  /** Gives the lock up (no-op if it was already lost or released). */
  release(): void {
    this.stopTimer();
    if (this.released || this.core.closed) return;
    this.released = true;
    this.core.write('releasing the queue lock', () => {
      this.core.stmt('DELETE FROM host_lock WHERE slot = 1 AND owner_id = ?').run(this.ownerId);
    });
  }
}

export function acquireHostLock(
  core: StoreCore,
  ownerId: string,
  isAlive: (pid: number) => boolean,
  opts: HostLockOptions = {},
): HostLock {
  const staleAfterMs = opts.staleAfterMs ?? 30_000;
  const pid = opts.pid ?? process.pid;
  core.write('taking the queue lock', () => {
    const now = core.now();
    const r = core.stmt('SELECT * FROM host_lock WHERE slot = 1').get() as DbLock | undefined;
    if (r && r.owner_id !== ownerId) {
      const age = now - r.heartbeat_at;
      const deadHere = r.host === core.hostname && !isAlive(r.pid);
      if (age <= staleAfterMs && !deadHere) {
        throw new StoreError(
          'locked',
          `The run queue of ${core.file} is owned by ${r.owner_id} (pid ${r.pid} on ${r.host}, since ` +
            `${new Date(r.acquired_at).toISOString()}, last heartbeat ${Math.round(age / 1000)} s ago). Only one ` +
            `LR Lab may run a store's queue: close the other one, or wait ${Math.round(staleAfterMs / 1000)} s ` +
            'after it stopped for its lock to expire.',
          core.file,
        );
      }
    }
    const acquiredAt = r && r.owner_id === ownerId ? r.acquired_at : now;
    core
      .stmt(
        `INSERT OR REPLACE INTO host_lock(slot, owner_id, pid, host, acquired_at, heartbeat_at)
         VALUES (1, ?, ?, ?, ?, ?)`,
      )
      .run(ownerId, pid, core.hostname, acquiredAt, now);
  });
  return new HostLock(core, ownerId, opts.heartbeatEveryMs);
}
