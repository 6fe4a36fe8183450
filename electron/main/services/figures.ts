/** Saved figure specs (what a figure shows and how), so a figure re-exports identically later. */
import type { ApiServices } from '../../api/contract';
import type { FigureRow, RunStore } from '../../../storage';

function toApi(f: FigureRow) {
  return {
    id: f.id,
    name: f.name,
    spec: (f.spec ?? {}) as Record<string, unknown>,
    createdAt: new Date(f.createdAt).toISOString(),
    updatedAt: new Date(f.updatedAt).toISOString(),
  };
}

export function createFiguresService(store: RunStore): ApiServices['figures'] {
  return {
    list: () => store.listFigures().map(toApi),
    save: ({ id, name, spec }) => toApi(store.saveFigure({ ...(id ? { id } : {}), name, spec })),
    delete: ({ id }) => {
      store.deleteFigure(id);
      return { ok: true };
    },
  };
}
