import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openStore, type RunStore } from './index';
import { RUN_COLUMNS } from './rows';
import { sampleRun, tempDir } from './test-fixtures/helpers';

let store: RunStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

describe('the run row column map', () => {
  it('names every column of the runs table once (a new column must be added to RUN_COLUMNS)', () => {
    const tmp = tempDir();
    const file = join(tmp.dir, 'runs.sqlite');
    store = openStore(file);
    store.close();
    store = null;
    const db = new Database(file, { readonly: true });
    try {
      const columns = (db.pragma('table_info(runs)') as { name: string }[]).map((c) => c.name).filter((c) => c !== 'rid');
      expect(new Set(Object.values(RUN_COLUMNS))).toEqual(new Set(columns));
      expect(Object.values(RUN_COLUMNS)).toHaveLength(columns.length);
    } finally {
      db.close();
      tmp.cleanup();
    }
  });

  it('reads back what createRun wrote through the map', () => {
    store = openStore(':memory:');
    const r = store.createRun(sampleRun({ notes: 'n', tags: ['a'] }));
    expect(store.getRun(r.id)).toMatchObject({ id: r.id, status: 'queued', notes: 'n', tags: ['a'], versions: null, summary: null, wallS: null });
  });
});
