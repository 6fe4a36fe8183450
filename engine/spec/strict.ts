/**
 * Unknown keys in a spec are errors, not silently dropped: a typo (`"widht": 64`) would otherwise
 * fall back to the default and train something else than asked. Every spec object schema is a
 * zod strict object; this file turns zod's `unrecognized_keys` issue into one problem per key,
 * with its dotted path, what to do, and the fields that are allowed there.
 *
 * Stored specs are the exception: a spec the store, a run folder or a bundle already holds was
 * valid when it was written (zod had parsed it), so an unknown key there means a field a later
 * LR Lab removed. `parseStored` drops such keys (and says which) instead of refusing the run,
 * so old runs still load, show, resume and export.
 */
import type { z } from 'zod';

export interface SpecIssueProblem {
  /** Dotted path, '' for the document itself. */
  readonly path: string;
  readonly message: string;
}

type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function collectPaths(schema: unknown, prefix: string, out: Set<string>): void {
  if (!isObject(schema)) return;
  const props = schema['properties'];
  if (isObject(props)) {
    for (const [key, child] of Object.entries(props)) {
      const path = prefix ? `${prefix}.${key}` : key;
      out.add(path);
      collectPaths(child, path, out);
    }
  }
  for (const comb of ['anyOf', 'oneOf', 'allOf']) {
    const branches = schema[comb];
    if (Array.isArray(branches)) for (const b of branches) collectPaths(b, prefix, out);
  }
}

/**
 * Every settable dotted path (objects and leaves) of the branch of a spec union's JSON Schema
 * whose `kind` is `kind` (or of the whole schema when it has no such branches), sorted.
 */
export function specPaths(root: Record<string, unknown>, kind?: string): string[] {
  const branches = [...((root['oneOf'] as unknown[]) ?? []), ...((root['anyOf'] as unknown[]) ?? [])];
  const out = new Set<string>();
  const picked = branches.filter((b) => {
    if (!isObject(b) || !isObject(b['properties'])) return false;
    const k = (b['properties'] as Json)['kind'];
    return kind === undefined || (isObject(k) && k['const'] === kind);
  });
  for (const b of picked.length ? picked : [root]) collectPaths(b, '', out);
  return [...out].sort();
}

/** The fields directly under `parent` ('' = top level) among `paths`. */
function fieldsUnder(paths: readonly string[], parent: string): string[] {
  const pre = parent ? `${parent}.` : '';
  return [...new Set(paths.filter((p) => p.startsWith(pre) && !p.slice(pre.length).includes('.')).map((p) => p.slice(pre.length)))];
}

/**
 * zod issues → problems with dotted paths; an unknown key becomes a problem at its own path
 * that says to remove or rename it and lists the fields allowed there (from `paths`, the
 * schema's settable paths, when given).
 */
export function specProblems(error: z.ZodError, paths?: readonly string[]): SpecIssueProblem[] {
  return error.issues.flatMap((i) => {
    const base = i.path.map(String).join('.');
    if (i.code !== 'unrecognized_keys') return [{ path: base, message: i.message }];
    const known = paths ? fieldsUnder(paths, base) : [];
    return i.keys.map((k) => ({
      path: base ? `${base}.${k}` : k,
      message:
        `unknown field "${k}"${base ? ` in ${base}` : ''}: LR Lab does not ignore unknown fields (a misspelt one would silently train the default). ` +
        `Remove it or fix its name${known.length ? `; the fields here are ${known.join(', ')}` : ''}.`,
    }));
  });
}

/** Deletes `keys` of the object at `path` inside `doc` (in place). */
function deleteKeys(doc: unknown, path: readonly PropertyKey[], keys: readonly string[]): void {
  let cur: unknown = doc;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  if (isObject(cur)) for (const k of keys) delete cur[k];
}

export type StoredParse<T> = { readonly ok: true; readonly spec: T; readonly dropped: readonly string[] } | { readonly ok: false; readonly error: z.ZodError; readonly dropped: readonly string[] };

/**
 * Parses a *stored* spec with a strict schema, dropping unknown keys (fields an older LR Lab had)
 * instead of failing on them; `dropped` names them. Any other problem still fails.
 */
export function parseStored<T>(schema: z.ZodType<T>, input: unknown): StoredParse<T> {
  let doc: unknown = input;
  const dropped: string[] = [];
  for (let round = 0; round < 32; round++) {
    const r = schema.safeParse(doc);
    if (r.success) return { ok: true, spec: r.data, dropped };
    const unknown = r.error.issues.filter((i): i is z.core.$ZodIssueUnrecognizedKeys => i.code === 'unrecognized_keys');
    if (unknown.length === 0) return { ok: false, error: r.error, dropped };
    if (round === 0) doc = structuredClone(doc);
    for (const i of unknown) {
      deleteKeys(doc, i.path, i.keys);
      const base = i.path.map(String).join('.');
      dropped.push(...i.keys.map((k) => (base ? `${base}.${k}` : k)));
    }
  }
  return { ok: false, error: schema.safeParse(doc).error as z.ZodError, dropped };
}
