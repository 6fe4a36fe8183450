/**
 * Opening a store file: checks that fail early with a clear message (header, folder, schema
 * version), connection settings, and the migrations.
 */
import Database from 'better-sqlite3';
import { accessSync, closeSync, constants, existsSync, fstatSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError, toStoreError } from './errors';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';

export type Db = Database.Database;

export interface ConnectionOptions {
  readonly nativeBinding?: string;
  readonly busyTimeoutMs: number;
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/**
 * Reads the 100-byte SQLite header without SQLite: a file that is not SQLite, or that is shorter
 * than its header says (truncated by a crash or a bad copy), is refused before SQLite touches it.
 * The size check is skipped while a non-empty WAL exists, since a checkpoint may be half done
 * and SQLite will finish it from the WAL.
 */
export function checkHeader(file: string): void {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return; // a new, empty file: SQLite initializes it
    const header = Buffer.alloc(100);
    const got = readSync(fd, header, 0, 100, 0);
    if (got < 100 || header.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
      throw new StoreError(
        'corrupt',
        `${file} is not an SQLite database (its first bytes are not the SQLite header). LR Lab did not change it; ` +
          'pick the right store file, or restore it from a backup.',
        file,
      );
    }
    const rawPageSize = header.readUInt16BE(16);
    const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
    const pageCount = header.readUInt32BE(28);
    const changeCounter = header.readUInt32BE(24);
    const validFor = header.readUInt32BE(92);
    const walFile = `${file}-wal`;
    const walBusy = existsSync(walFile) && statSync(walFile).size > 0;
    if (!walBusy && changeCounter === validFor && pageCount > 0 && size < pageCount * pageSize) {
      throw new StoreError(
        'corrupt',
        `${file} is truncated: its header says ${pageCount * pageSize} bytes but the file has ${size}. ` +
          'LR Lab did not change it; restore it from a backup (or copy it again if it was copied).',
        file,
      );
    }
  } finally {
    closeSync(fd);
  }
}

function ensureWritableFolder(file: string): void {
  const dir = dirname(file);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new StoreError(
      'unwritable',
      `Cannot create or write the folder ${dir} for the store ${file} (${(err as Error).message}). ` +
        'Choose a folder you can write to, or fix its permissions.',
      file,
      { cause: err },
    );
  }
  if (existsSync(file)) {
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch (err) {
      throw new StoreError(
        'unwritable',
        `Cannot write the store file ${file} (${(err as Error).message}). Make it writable or open a copy.`,
        file,
        { cause: err },
      );
    }
  }
}

/** Opens (creating if needed) and migrates a store file; `:memory:` gives a private in-memory store. */
export function openConnection(file: string, opts: ConnectionOptions): Db {
  const memory = file === ':memory:';
  if (!memory) {
    if (existsSync(file)) {
      if (statSync(file).isDirectory()) {
        throw new StoreError('invalid_argument', `${file} is a folder; give the path of a store file inside it.`, file);
      }
      checkHeader(file);
    }
    ensureWritableFolder(file);
  }
  let db: Db;
  try {
    db = new Database(file, { timeout: opts.busyTimeoutMs, ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}) });
  } catch (err) {
    throw toStoreError(err, file, 'opening the store');
  }
  try {
    if (!memory) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -16000'); // 16 MB of page cache (default 2 MB): faster batched inserts
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs))}`);
    migrate(db, file);
    return db;
  } catch (err) {
    db.close();
    throw toStoreError(err, file, 'opening the store');
  }
}

/** Applies every migration newer than the file's `user_version`, each in its own transaction. */
export function migrate(db: Db, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      'newer_schema',
      `${file} was written by a newer LR Lab (store schema v${version}; this version understands up to ` +
        `v${SCHEMA_VERSION}). Update LR Lab to open it, or choose another store file. The file was not changed.`,
      file,
    );
  }
  if (version === 0) {
    const tables = db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").pluck().get() as number;
    if (tables > 0) {
      throw new StoreError(
        'not_a_store',
        `${file} is an SQLite database but not an LR Lab store (it has other tables). LR Lab did not change it; ` +
          'choose another file or a new file name.',
        file,
      );
    }
  }
  for (const m of MIGRATIONS) {
    if (m.version <= version) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}
