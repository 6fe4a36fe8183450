/**
 * Small real file systems for fault tests: a size-limited tmpfs (disk full) and a read-only
 * folder. Mounting needs root; where it is refused, callers fall back to other checks (and the
 * injected-fault tests still run).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function tryMount(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

/** A folder on a tmpfs of `size` (e.g. '2m'), or null where mounting is not allowed. */
export function tinyFilesystem(parent: string, size: string): { dir: string; release: () => void } | null {
  if (!isRoot) return null;
  const dir = join(parent, 'tiny');
  mkdirSync(dir);
  if (!tryMount(dir, `size=${size},mode=0777`)) return null;
  return { dir, release: () => unmount(dir) };
}

/**
 * A folder nobody may write: chmod 555 for ordinary users (root ignores modes, so as root a
 * read-only tmpfs, first populated by `prepare` while still writable). Null where impossible.
 */
export function readOnlyFolder(
  parent: string,
  prepare: (dir: string) => void = () => undefined,
): { dir: string; release: () => void } | null {
  const dir = join(parent, 'ro');
  mkdirSync(dir);
  if (!isRoot) {
    prepare(dir);
    chmodSync(dir, 0o555);
    return { dir, release: () => chmodSync(dir, 0o755) };
  }
  if (!tryMount(dir, 'size=4m,mode=0777')) return null;
  prepare(dir);
  try {
    execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'ignore' });
  } catch {
    unmount(dir);
    return null;
  }
  return { dir, release: () => unmount(dir) };
}
