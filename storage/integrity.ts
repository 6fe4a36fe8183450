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

/** quick_check's lines ('ok' alone when sound); an SQLite error while checking is one line too. */
export function quickCheck(db: Db, maxErrors = 20): string[] {
  try {
    return (db.pragma(`quick_check(${maxErrors})`) as { quick_check: string }[]).map((r) => r.quick_check);
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
