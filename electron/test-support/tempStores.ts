/**
 * Temporary folders and run stores for a test file: each one made during a test is closed and
 * removed after that test (`afterEach`), pass or fail. `mode` sets the folder's permissions (the
 * Slurm tests need 0755 so the job's user can read it).
 */
import { afterEach } from 'vitest';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type RunStore } from '../../storage';

export interface TempStores {
  /** A new empty folder under the system's temp folder. */
  temp(): string;
  /** A store at DIR/runs.sqlite. */
  store(dir: string): RunStore;
}

export function tempStores(prefix: string, mode?: number): TempStores {
  const dirs: string[] = [];
  const stores: RunStore[] = [];
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    temp() {
      const d = mkdtempSync(join(tmpdir(), prefix));
      if (mode !== undefined) chmodSync(d, mode);
      dirs.push(d);
      return d;
    },
    store(dir) {
      const s = openStore(join(dir, 'runs.sqlite'));
      stores.push(s);
      return s;
    },
  };
}
