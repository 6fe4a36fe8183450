/**
 * Integrity before writing. A store damaged on disk (a bad sector, a half-copied file, a tool
 * that wrote into it) must not be written to: SQLite writing into a damaged b-tree can spread
 * the damage, and the file is the user's only copy of their runs. So before the first write of
 * a process the store runs `PRAGMA quick_check` once (it reads every page but skips the costly
 * index-content comparison of integrity_check: see storage/README.md for what it costs), and a
 * damaged store refuses every write with a message pointing at `lrlab doctor`, leaving the file
 * byte-identical.
 */
import type { Db } from './connection';
import { StoreError } from './errors';

/**
 * Up to this size the whole file is checked before the first write. quick_check reads every
 * page: measured 8–15 s for a 105 MiB store on this 2-core machine under load (load average
 * 14–25), of which 3.1 s for metric_points alone and under 0.2 s for every other table.
 */
export const FULL_CHECK_MAX_BYTES = 64 * 1024 * 1024;
/** The tables too large to check before every process's first write on a large store. */
const BULK_TABLES = new Set(['metric_points']);

/**
 * quick_check's lines ('ok' alone when sound); an SQLite error while checking is one line too.
 * `bytes` over FULL_CHECK_MAX_BYTES checks every table but the points table (which SQLite still
 * checks page by page as writes read it; `lrlab doctor` checks everything).
 */
export function quickCheck(db: Db, bytes = 0, maxErrors = 20): string[] {
  try {
    if (bytes <= FULL_CHECK_MAX_BYTES) return (db.pragma(`quick_check(${maxErrors})`) as { quick_check: string }[]).map((r) => r.quick_check);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    const problems: string[] = [];
    for (const t of tables) {
      if (BULK_TABLES.has(t)) continue;
      const lines = (db.pragma(`quick_check("${t.replace(/"/g, '""')}")`) as { quick_check: string }[]).map((r) => r.quick_check);
      if (!isSound(lines)) problems.push(...lines);
    }
    return problems.length ? problems.slice(0, maxErrors) : ['ok'];
  } catch (err) {
    return [`SQLite could not read the file to check it: ${err instanceof Error ? err.message : String(err)}`];
  }
}

export function isSound(lines: readonly string[]): boolean {
  return lines.length === 1 && lines[0] === 'ok';
}

/** The refusal every write of a damaged store gets. */
export function damagedStoreError(file: string, lines: readonly string[]): StoreError {
  return new StoreError(
    'corrupt',
    `${file} is damaged (SQLite's check says: ${lines.slice(0, 3).join('; ')}${lines.length > 3 ? '; …' : ''}). ` +
      'LR Lab did not change it and will not write to it. Run `lrlab doctor --store ' +
      `${file}\` for a full report, and \`lrlab doctor --salvage --store ${file}\` to copy every readable run into a new store ` +
      '(the damaged file is kept as it is); or restore it from a backup.',
    file,
  );
}
