/**
 * The shared state of one open store: the connection, its file name, the clock, a statement
 * cache and the metric-key ids. Repositories take a StoreCore; only RunStore creates one.
 */
import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { StoreError, toStoreError } from './errors';
import type { Db } from './connection';
import { damagedStoreError, isSound, quickCheck } from './integrity';

/** Called inside every write transaction before it commits; tests use it to inject faults. */
export type FaultInjector = (operation: string) => void;

export class StoreCore {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly keyIds = new Map<string, number>();
  private readonly keyNames = new Map<number, string>();
  /** Bumped by each of this connection's write transactions (PRAGMA data_version ignores them). */
  localWrites = 0;
  closed = false;
  /** Set when the store was opened read-only: why, for the message a write then gets. */
  readOnlyReason: string | null = null;
  /** Whether the file passed its integrity check (done once, before this process's first write). */
  private soundness: 'unchecked' | 'sound' | StoreError = 'unchecked';

  constructor(
    readonly db: Db,
    readonly file: string,
    readonly now: () => number,
    readonly hostname: string,
    readonly checkpointDir: string,
    readonly faultInjector: FaultInjector | null,
  ) {}

  stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  assertOpen(): void {
    if (this.closed) throw new StoreError('closed', `The store ${this.file} is closed; open it again.`, this.file);
  }

  /**
   * Checks the file's integrity once (quick_check) and remembers the verdict: a damaged store
   * refuses every write. Called before the first write; the host calls it at start too.
   */
  checkSound(): void {
    if (this.soundness === 'sound') return;
    if (this.soundness instanceof StoreError) throw this.soundness;
    if (this.file === ':memory:') {
      this.soundness = 'sound';
      return;
    }
    let bytes = 0;
    try {
      bytes = statSync(this.file).size;
    } catch {
      // checked anyway, in full
    }
    const lines = quickCheck(this.db, bytes);
    this.soundness = isSound(lines) ? 'sound' : damagedStoreError(this.file, lines);
    if (this.soundness instanceof StoreError) throw this.soundness;
  }

  /** Runs `fn` in one IMMEDIATE transaction; any failure rolls everything back and becomes a StoreError. */
  write<T>(action: string, fn: () => T): T {
    this.assertOpen();
    if (this.readOnlyReason !== null) {
      throw new StoreError('unwritable', `${this.file} was opened read-only (${this.readOnlyReason}), so ${action} is not possible here.`, this.file);
    }
    this.checkSound();
    try {
      const result = this.db
        .transaction(() => {
          const r = fn();
          this.faultInjector?.(action);
          return r;
        })
        .immediate();
      this.localWrites++;
      return result;
    } catch (err) {
      this.forgetKeys(); // keys created inside the rolled-back transaction are gone
      throw toStoreError(err, this.file, action);
    }
  }

  /** Runs a read; failures become StoreErrors naming the file. */
  read<T>(action: string, fn: () => T): T {
    this.assertOpen();
    try {
      return fn();
    } catch (err) {
      throw toStoreError(err, this.file, action);
    }
  }

  /** Id of a metric key, creating it (in the caller's transaction, or its own) when new. */
  keyId(key: string): number {
    const cached = this.keyIds.get(key);
    if (cached !== undefined) return cached;
    let id = this.stmt('SELECT id FROM metric_keys WHERE key = ?').pluck().get(key) as number | undefined;
    if (id === undefined) {
      id = Number(this.stmt('INSERT INTO metric_keys(key) VALUES (?)').run(key).lastInsertRowid);
    }
    this.keyIds.set(key, id);
    this.keyNames.set(id, key);
    return id;
  }

  /** Id of an existing key, or null (never writes). */
  findKeyId(key: string): number | null {
    const cached = this.keyIds.get(key);
    if (cached !== undefined) return cached;
    const id = this.stmt('SELECT id FROM metric_keys WHERE key = ?').pluck().get(key) as number | undefined;
    if (id === undefined) return null;
    this.keyIds.set(key, id);
    this.keyNames.set(id, key);
    return id;
  }

  keyName(id: number): string {
    const cached = this.keyNames.get(id);
    if (cached !== undefined) return cached;
    const key = this.stmt('SELECT key FROM metric_keys WHERE id = ?').pluck().get(id) as string | undefined;
    if (key === undefined) throw new StoreError('corrupt', `Metric key #${id} is missing in ${this.file}.`, this.file);
    this.keyNames.set(id, key);
    this.keyIds.set(key, id);
    return key;
  }

  /** Forgets cached key ids (after a rolled-back transaction that may have created some). */
  forgetKeys(): void {
    this.keyIds.clear();
    this.keyNames.clear();
  }

  /** Internal row id of a run, or a not_found StoreError. */
  rid(runId: string): number {
    const rid = this.stmt('SELECT rid FROM runs WHERE id = ?').pluck().get(runId) as number | undefined;
    if (rid === undefined) {
      throw new StoreError('not_found', `No run with id ${runId} in ${this.file}.`, this.file);
    }
    return rid;
  }
}
