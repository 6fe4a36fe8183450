/**
 * The few hyperparameters worth a glance in a run table, from the flattened spec the host
 * sends (`algorithm.eta1`, `data.d`, …), labelled with the schema's own titles (η1, d, m).
 */
import type { JsonSchema } from './schemaForm';
import { deref, isRecord } from './schemaForm';

type HValue = number | string | boolean | null;

/** Paths that say how a run is logged or named, not what it learns. */
const SKIP = /(^|\.)(name|kind|backend|variant|mode|logging|checkpointEvery|every|testSize|evalBatchSize|testSubset|patchOnlyValCount|seed)(\.|$)/;
/** Rates first, then sizes, then noise: what a researcher scans for. */
const RANK: readonly RegExp[] = [/(^|\.)(eta1|eta2|lr)$/, /(^|\.)(d|width|widen|depth|N|kappa|batchSize|epochs|size)$/, /(tau|std|sigma|noise)/i, /(lambda|weightDecay|momentum|at|annealAt)$/];

function rank(path: string): number {
  const i = RANK.findIndex((r) => r.test(path));
  return i < 0 ? RANK.length : i;
}

/** The schema title of a dotted spec path, looking into every union variant; null when unknown. */
export function titleOfPath(root: JsonSchema, path: string): string | null {
  let nodes: JsonSchema[] = [root];
  for (const seg of path.split('.')) {
    const next: JsonSchema[] = [];
    const visit = (n: JsonSchema): void => {
      const s = deref(n, root);
      for (const alt of s.oneOf ?? s.anyOf ?? []) visit(alt);
      const p = s.properties?.[seg];
      if (p) next.push(deref(p, root));
    };
    nodes.forEach(visit);
    if (next.length === 0) return null;
    nodes = next;
  }
  return nodes.find((n) => n.title)?.title ?? null;
}

export function keyHparams(hparams: Readonly<Record<string, HValue>>, titleOf: (path: string) => string | null, max = 6): { label: string; value: HValue; path: string }[] {
  return Object.entries(hparams)
    .filter(([p, v]) => v !== null && !SKIP.test(p) && typeof v !== 'boolean')
    .map(([path, value]) => ({ path, value, r: rank(path) }))
    .filter((e) => e.r < RANK.length)
    .sort((a, b) => a.r - b.r)
    .slice(0, max)
    .map(({ path, value }) => ({ path, value, label: titleOf(path) ?? path.split('.').pop() ?? path }));
}

export function isJsonSchema(v: unknown): v is JsonSchema {
  return isRecord(v);
}
