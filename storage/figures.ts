/** Saved figure specs (what a chart shows and how it looks), kept verbatim as JSON text. */
import { randomUUID } from 'node:crypto';
import type { StoreCore } from './core';
import { StoreError } from './errors';
import { nestingDepth } from './json';
import { RUN_ID_PATTERN, RUN_ID_RULE } from './runs';
import type { FigureRow } from './types';

/**
 * A figure spec says what a chart shows and how it looks: a few KiB. Every `figures.list`
 * returns them all, so one huge spec would make every list that big.
 */
export const MAX_FIGURE_SPEC_BYTES = 256 * 1024;
export const MAX_FIGURE_SPEC_DEPTH = 32;
export const MAX_FIGURE_NAME_CHARS = 200;

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
  if (!RUN_ID_PATTERN.test(id)) {
    throw new StoreError('invalid_argument', `Figure id ${JSON.stringify(id).slice(0, 80)} is not allowed: use ${RUN_ID_RULE}. Nothing was saved.`, core.file);
  }
  if (input.name.length === 0 || input.name.length > MAX_FIGURE_NAME_CHARS) {
    throw new StoreError('invalid_argument', `A figure name has 1–${MAX_FIGURE_NAME_CHARS} characters (got ${input.name.length}). Nothing was saved.`, core.file);
  }
  if (nestingDepth(input.spec, MAX_FIGURE_SPEC_DEPTH) > MAX_FIGURE_SPEC_DEPTH) {
    throw new StoreError('invalid_argument', `The spec of figure ${id} is nested deeper than ${MAX_FIGURE_SPEC_DEPTH} levels; a figure spec is a few levels deep. Nothing was saved.`, core.file);
  }
  const specJson = JSON.stringify(input.spec);
  if (specJson === undefined) {
    throw new StoreError('invalid_argument', `The spec of figure ${id} is not JSON-serializable.`, core.file);
  }
  const bytes = Buffer.byteLength(specJson);
  if (bytes > MAX_FIGURE_SPEC_BYTES) {
    throw new StoreError(
      'invalid_argument',
      `The spec of figure ${id} has ${bytes} bytes of JSON; a figure spec has at most ${MAX_FIGURE_SPEC_BYTES} (it says what to plot, not the data). Nothing was saved.`,
      core.file,
    );
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
