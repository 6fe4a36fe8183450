/**
 * Figures: saved figure specs (what a figure shows and how, so it re-exports identically
 * later), the data a comparison view draws, and export through the host's one renderer
 * (electron/main/figures/render.ts), the same one `lrlab figure` uses.
 */
import { writeFileSync } from 'node:fs';
import type { ApiServices } from '../../api/contract';
import type { FigureFormat } from '../../api/schemas';
import type { FigureRow, RunStore } from '../../../storage';
import { HostError } from '../host/errors';
import { parseFigureSpec, prepareFigure } from '../figures/prepare';
import { experiments, type ExperimentRegistry } from '../../../engine/experiments/registry';

function toApi(f: FigureRow) {
  return {
    id: f.id,
    name: f.name,
    spec: (f.spec ?? {}) as Record<string, unknown>,
    createdAt: new Date(f.createdAt).toISOString(),
    updatedAt: new Date(f.updatedAt).toISOString(),
  };
}

/** Where the desktop window asks for a file name (Electron's native save dialog); absent elsewhere. */
export type SaveDialog = (suggestedName: string, format: FigureFormat) => Promise<string | null>;

/** `registry`: the experiment kinds whose labels, default panels and condition groups figures use. */
export function createFiguresService(store: RunStore, saveDialog?: SaveDialog, registry: ExperimentRegistry = experiments): ApiServices['figures'] {
  const render = async (specInput: unknown, format: FigureFormat, dpi: number) => {
    const spec = parseFigureSpec(specInput);
    const data = prepareFigure(store, spec, registry);
    // ECharts, pdfkit and resvg load on the first export, not with every host (CLI commands start faster).
    const { renderFigure } = await import('../figures/render');
    return renderFigure(data, spec, format, dpi, spec.style.title || `lrlab-${data.panels.map((p) => p.key).join('-')}`);
  };
  return {
    list: () => store.listFigures().map(toApi),
    get: ({ id }) => toApi(store.getFigure(id)),
    save: ({ id, name, spec }) => {
      // Stored verbatim as given, once it is known to be a valid figure spec.
      parseFigureSpec(spec);
      return toApi(store.saveFigure({ ...(id ? { id } : {}), name, spec }));
    },
    delete: ({ id }) => {
      store.deleteFigure(id);
      return { ok: true };
    },
    data: ({ spec, maxPoints }) => prepareFigure(store, parseFigureSpec(spec), registry, maxPoints === undefined ? {} : { maxPoints }),
    render: async ({ spec, format, dpi }) => {
      const r = await render(spec, format, dpi);
      return { filename: r.filename, mime: r.mime, encoding: r.encoding, content: r.content };
    },
    saveAs: async ({ spec, format, dpi }) => {
      if (!saveDialog) {
        throw new HostError('unavailable', 'Saving through a file dialog works in the desktop window; in browser mode the figure downloads instead (figures.render).');
      }
      const r = await render(spec, format, dpi);
      const path = await saveDialog(r.filename, format);
      if (path === null) return { path: null };
      writeFileSync(path, r.bytes);
      return { path };
    },
  };
}
