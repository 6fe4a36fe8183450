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

/** The value at a dotted path of a spec object, or undefined. */
function valueAt(spec: unknown, segs: readonly string[]): unknown {
  let cur: unknown = spec;
  for (const s of segs) {
    if (!isRecord(cur)) return undefined;
    cur = cur[s];
  }
  return cur;
}

/** Whether a union variant fits the spec's object at this level: every literal (const) it declares equals the spec's value. */
function variantFits(variant: JsonSchema, here: unknown, root: JsonSchema): boolean {
  if (!isRecord(here)) return true;
  for (const [k, p] of Object.entries(variant.properties ?? {})) {
    const c = deref(p, root).const;
    if (c !== undefined && k in here && here[k] !== c) return false;
  }
  return true;
}

/**
 * The label of a setting of one run: the schema title of `path`, taken from the union variant
 * that the run's `spec` is (so `algorithm.anneal.mode = iteration` is not labelled with the
 * loss-threshold variant's title). A literal that picks a variant (a discriminator such as
 * `mode` or `name`) is labelled with the title of the object it belongs to ("Anneal").
 * Null when the schema has no such path.
 */
export function settingLabel(root: JsonSchema, spec: unknown, path: string): string | null {
  const segs = path.split('.');
  let nodes: JsonSchema[] = [root];
  let parentTitle: string | null = root.title ?? null;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i] as string;
    const here = valueAt(spec, segs.slice(0, i));
    const next: JsonSchema[] = [];
    const titles: string[] = [];
    const visit = (n: JsonSchema): void => {
      const s = deref(n, root);
      const alts = s.oneOf ?? s.anyOf ?? [];
      if (alts.length) {
        for (const alt of alts) if (variantFits(deref(alt, root), here, root)) visit(alt);
      }
      const p = s.properties?.[seg];
      if (p) next.push(deref(p, root));
    };
    for (const n of nodes) {
      const t = deref(n, root).title;
      if (t) titles.push(t);
      visit(n);
    }
    if (next.length === 0) return null;
    if (i === segs.length - 1) {
      const leaf = next.find((n) => n.title) ?? next[0];
      if (leaf && leaf.const !== undefined) return titles[0] ?? parentTitle ?? leaf.title ?? null;
      return leaf?.title ?? null;
    }
    parentTitle = titles[0] ?? parentTitle;
    nodes = next;
  }
  return null;
}
