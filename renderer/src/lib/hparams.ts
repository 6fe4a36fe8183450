/**
 * Labels for a run's flattened spec paths (as the host sends them in `hparams`), from the spec
 * schema's own titles. Which of them are key hyperparameters is the kinds' business (lib/kinds.ts).
 */
import type { JsonSchema } from './schemaForm';
import { deref, isRecord } from './schemaForm';

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

export function isJsonSchema(v: unknown): v is JsonSchema {
  return isRecord(v);
}
