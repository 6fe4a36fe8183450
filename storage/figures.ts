/** Saved figure specs (what a chart shows and how it looks), kept verbatim as JSON text. */
import { randomUUID } from 'node:crypto';
import type { StoreCore } from './core';
import { StoreError } from './errors';
import type { FigureRow } from './types';

interface DbFigure {
  id: string;
  name: string;
  spec_json: string;
  created_at: number;
  updated_at: number;
}

function toFigure(r: DbFigure): FigureRow {
  return {
    id: r.id,
    name: r.name,
    spec: JSON.parse(r.spec_json) as unknown,
    specJson: r.spec_json,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Creates a figure, or replaces the name and spec of the one with the same id. */
export function saveFigure(core: StoreCore, input: { id?: string; name: string; spec: unknown }): FigureRow {
  const id = input.id ?? randomUUID();
  const specJson = JSON.stringify(input.spec);
  if (specJson === undefined) {
    throw new StoreError('invalid_argument', `The spec of figure ${id} is not JSON-serializable.`, core.file);
  }
  core.write('saving a figure', () => {
    const now = core.now();
    core
      .stmt(
        `INSERT INTO figures(id, name, spec_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, spec_json = excluded.spec_json, updated_at = excluded.updated_at`,
      )
      .run(id, input.name, specJson, now, now);
  });
  return getFigure(core, id);
}

export function getFigure(core: StoreCore, id: string): FigureRow {
  const r = core.stmt('SELECT * FROM figures WHERE id = ?').get(id) as DbFigure | undefined;
  if (!r) throw new StoreError('not_found', `No figure with id ${id} in ${core.file}.`, core.file);
  return toFigure(r);
}

export function listFigures(core: StoreCore): FigureRow[] {
  return (core.stmt('SELECT * FROM figures ORDER BY updated_at DESC, id').all() as DbFigure[]).map(toFigure);
}

export function deleteFigure(core: StoreCore, id: string): void {
  core.write('deleting a figure', () => {
    if (core.stmt('DELETE FROM figures WHERE id = ?').run(id).changes === 0) {
      throw new StoreError('not_found', `No figure with id ${id} in ${core.file}.`, core.file);
    }
  });
}
