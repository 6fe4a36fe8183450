/**
 * One error type for everything the store refuses or fails at. `code` is for programs (the host
 * maps it to a dialog), `message` is for people: it names the file and says what to do.
 */

export type StoreErrorCode =
  | 'unwritable'
  | 'corrupt'
  | 'not_a_store'
  | 'locked'
  | 'newer_schema'
  | 'disk_full'
  | 'io'
  | 'not_found'
  | 'duplicate'
  | 'invalid_bundle'
  | 'invalid_spec'
  | 'invalid_transition'
  | 'invalid_argument'
  | 'closed';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    /** The store file (or bundle file) concerned, when there is one. */
    readonly file: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** better-sqlite3's SqliteError carries a string `code` such as 'SQLITE_FULL' or 'SQLITE_IOERR_WRITE'. */
function sqliteCode(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

function errnoCode(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && !code.startsWith('SQLITE_') ? code : null;
}

/**
 * Turns an SQLite or file-system error into a StoreError that names `file` and says what to do.
 * `action` is what the store was doing, in words ("saving metric points").
 */
export function toStoreError(err: unknown, file: string, action: string): StoreError {
  if (err instanceof StoreError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  const sq = sqliteCode(err);
  const errno = errnoCode(err);
  const where = `${action} in ${file}`;
  if (sq === 'SQLITE_FULL' || errno === 'ENOSPC' || errno === 'EDQUOT') {
    return new StoreError(
      'disk_full',
      `The disk holding ${file} is full (${detail}) while ${action}. Nothing from this step was written; ` +
        'free some space (or move the store to a larger disk) and try again.',
      file,
      { cause: err },
    );
  }
  if (sq?.startsWith('SQLITE_BUSY') || sq?.startsWith('SQLITE_LOCKED')) {
    return new StoreError(
      'locked',
      `${file} is locked by another process (${detail}) while ${action}. Another LR Lab window or ` +
        '`lrlab` command may be writing to it: wait for it to finish or close it, then try again.',
      file,
      { cause: err },
    );
  }
  if (sq === 'SQLITE_NOTADB' || sq?.startsWith('SQLITE_CORRUPT')) {
    return new StoreError(
      'corrupt',
      `${file} is damaged or is not an SQLite database (${detail}) while ${action}. LR Lab did not change it; ` +
        'restore it from a backup or open a different store file.',
      file,
      { cause: err },
    );
  }
  if (
    sq?.startsWith('SQLITE_READONLY') ||
    sq?.startsWith('SQLITE_CANTOPEN') ||
    sq === 'SQLITE_PERM' ||
    sq === 'SQLITE_AUTH' ||
    errno === 'EACCES' ||
    errno === 'EPERM' ||
    errno === 'EROFS' ||
    errno === 'ENOTDIR'
  ) {
    return new StoreError(
      'unwritable',
      `Cannot write ${file} (${detail}) while ${action}. Check that the folder exists and that you may write ` +
        'to it (not read-only, not on a locked drive), or choose another store location.',
      file,
      { cause: err },
    );
  }
  if (sq?.startsWith('SQLITE_IOERR') || errno !== null) {
    return new StoreError(
      'io',
      `An input/output error happened ${where} (${detail}). Check the disk and try again; if it repeats, ` +
        'copy the file elsewhere and open the copy.',
      file,
      { cause: err },
    );
  }
  return new StoreError('io', `Unexpected error ${where}: ${detail}`, file, { cause: err });
}
