/**
 * Opening a store file: checks that fail early with a clear message (header, folder, schema
 * version), connection settings, and the migrations.
 */
import Database from 'better-sqlite3';
import { accessSync, closeSync, constants, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError, toStoreError } from './errors';
import { damagedStoreError, isSound, quickCheck } from './integrity';
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
    if (size === 0) {
      const wal = `${file}-wal`;
      if (existsSync(wal) && statSync(wal).size > 0) return; // everything is still in the WAL
      // An existing empty file is not a store: turning it into one silently would hide a
      // mistyped path (or a store emptied by a bad copy). A path that does not exist is a new store.
      throw new StoreError(
        'not_a_store',
        `${file} is an empty file (0 bytes), not an LR Lab store. LR Lab did not change it. Check the path; ` +
          'to start a new store there, delete the empty file (or give a path that does not exist yet) and LR Lab creates it.',
        file,
      );
    }
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

/**
 * An empty file may be a store another program is creating right now (its first transaction
 * holds the lock before anything reaches the disk): that is `locked`, not an empty file.
 */
function refuseIfLocked(file: string, opts: ConnectionOptions): void {
  let db: Db | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: opts.busyTimeoutMs, ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}) });
    db.pragma('schema_version');
  } catch (err) {
    const e = toStoreError(err, file, 'opening the store');
    if (e.code === 'locked') throw e;
  } finally {
    db?.close();
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
      if (statSync(file).size === 0) refuseIfLocked(file, opts);
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
  if (version > 0 && MIGRATIONS.some((m) => m.version > version)) {
    // Migrating writes to an existing store: check it first, as before any other write.
    const lines = quickCheck(db, statSync(file).size);
    if (!isSound(lines)) throw damagedStoreError(file, lines);
  }
  for (const m of MIGRATIONS) {
    if (m.version <= version) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

/** Largest store read into memory when the disk cannot give SQLite its shared-memory file. */
const MAX_SNAPSHOT_BYTES = 2 * 1024 ** 3;

/**
 * A read-only SQLite connection to `file` without LR Lab's checks (header, schema version):
 * in place where SQLite can, else from a copy in memory (see openReadOnlyConnection). `lrlab
 * doctor` reads damaged files through it.
 */
export function openRawReadOnly(file: string, opts: ConnectionOptions): ReadOnlyConnection {
  let db: Db;
  let note: string | null = null;
  const native = opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {};
  let inPlace: Db | null = null;
  try {
    inPlace = new Database(file, { readonly: true, fileMustExist: true, timeout: opts.busyTimeoutMs, ...native });
    inPlace.pragma('user_version'); // the first read: SQLite opens the WAL index here
    db = inPlace;
  } catch (err) {
    inPlace?.close();
    const code = String((err as { code?: unknown }).code ?? '');
    if (!/^SQLITE_(CANTOPEN|IOERR|READONLY|FULL)/.test(code)) throw toStoreError(err, file, 'opening the store to read');
    const size = statSync(file).size;
    if (size > MAX_SNAPSHOT_BYTES) throw toStoreError(err, file, 'opening the store to read (it is too large to read into memory)');
    const bytes = readFileSync(file);
    // A WAL store's header says "WAL" (file format 2); an in-memory copy has no WAL: say "rollback".
    if (bytes[18] === 2) bytes[18] = 1;
    if (bytes[19] === 2) bytes[19] = 1;
    try {
      db = new Database(bytes, { readonly: true, ...native });
    } catch (err2) {
      throw toStoreError(err2, file, 'reading the store into memory');
    }
    const wal = `${file}-wal`;
    note =
      `SQLite could not open ${file} in place (${(err as Error).message}: the disk is full or read-only), so it was read from a copy in memory` +
      (existsSync(wal) && statSync(wal).size > 0 ? '; changes still in its -wal file are not shown' : '');
  }
  return { db, note };
}

/** A read-only connection and, when it had to be read from a copy in memory, why. */
export interface ReadOnlyConnection {
  readonly db: Db;
  readonly note: string | null;
}

/**
 * Opens an existing store for reading only (list, show, info, doctor): no migration, no
 * recovery of dead runs, no write of any kind, so it works on a full disk and on a read-only
 * store. SQLite needs to create the `-shm` file to read a WAL store; where it cannot (read-only
 * file system, disk full) the file is read into memory and opened from there — what a crashed
 * writer left in the `-wal` file is then not shown, and the note says so.
 */
export function openReadOnlyConnection(file: string, opts: ConnectionOptions): ReadOnlyConnection {
  if (statSync(file).isDirectory()) {
    throw new StoreError('invalid_argument', `${file} is a folder; give the path of a store file inside it.`, file);
  }
  checkHeader(file);
  const { db, note } = openRawReadOnly(file, opts);
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new StoreError(
        'newer_schema',
        `${file} was written by a newer LR Lab (store schema v${version}; this version understands up to v${SCHEMA_VERSION}). Update LR Lab to open it. The file was not changed.`,
        file,
      );
    }
    if (version < SCHEMA_VERSION) {
      throw new StoreError(
        'not_a_store',
        `${file} is not an LR Lab store of this version (schema v${version}, expected v${SCHEMA_VERSION}); a command that writes upgrades it. The file was not changed.`,
        file,
      );
    }
    return { db, note };
  } catch (err) {
    db.close();
    throw toStoreError(err, file, 'opening the store to read');
  }
}
