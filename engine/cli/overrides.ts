/**
 * `--set path=value` overrides of a run spec. Values are JSON (`data.d=256`, `init.tau0="stationary"`,
 * `model={"width":64}`); a value that is not JSON is taken as a string (`algorithm.name=S`).
 * A path must name a field of the spec's kind, or the override is rejected with the valid paths.
 */
import { runSpecJsonSchema, specPaths } from '../spec';

type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Every settable dotted path of a spec of this kind (objects and leaves), sorted. */
export function validSpecPaths(kind: string): string[] {
  return specPaths(runSpecJsonSchema(), kind);
}

export interface ParsedOverride {
  readonly path: string;
  readonly value: unknown;
}

export function parseOverride(text: string): ParsedOverride {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new Error(`--set expects path=value, got "${text}"`);
  const path = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1).trim();
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  return { path, value };
}

/** Sets `path` (dotted) in a deep copy of `doc`, creating intermediate objects. */
export function setPath(doc: Json, path: string, value: unknown): Json {
  const out = structuredClone(doc);
  const keys = path.split('.');
  let cur: Json = out;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (!isObject(next)) cur[k] = {};
    cur = cur[k] as Json;
  }
  cur[keys[keys.length - 1]!] = value;
  return out;
}

/** Reads a dotted path, or undefined. */
export function getPath(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const k of path.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

export class OverrideError extends Error {
  constructor(
    message: string,
    readonly validPaths: readonly string[],
  ) {
    super(message);
    this.name = 'OverrideError';
  }
}

/** `path=value` texts (the CLI's `--set`, a sweep file's `set`) → typed pairs, parsed once at that edge. */
export function parseOverrides(texts: readonly string[]): ParsedOverride[] {
  return texts.map(parseOverride);
}

/**
 * Applies typed `{path, value}` overrides in order to a copy of a spec input. Unknown paths are
 * rejected (all of them at once) with the list of valid ones for the spec's kind.
 */
export function applyOverrides<T extends object>(specInput: T, overrides: readonly ParsedOverride[]): T {
  if (overrides.length === 0) return structuredClone(specInput);
  const kind = (specInput as { kind?: unknown }).kind;
  if (typeof kind !== 'string') throw new Error('The spec has no "kind"; cannot check --set paths');
  const valid = validSpecPaths(kind);
  const validSet = new Set(valid);
  const parsed = overrides;
  const unknown = parsed.filter((p) => !validSet.has(p.path)).map((p) => p.path);
  if (unknown.length > 0) {
    throw new OverrideError(
      `Unknown spec path${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} for kind "${kind}". Valid paths:\n  ${valid.join('\n  ')}`,
      valid,
    );
  }
  let doc = structuredClone(specInput) as unknown as Json;
  for (const p of parsed) doc = setPath(doc, p.path, p.value);
  return doc as unknown as T;
}

/**
 * Whether an override can apply to this spec as it stands: its parent object exists (or it is a
 * top-level field). "Compare conditions" applies one set of edits to arms of different variants —
 * `algorithm.anneal.at` means something to L-S and nothing to S, whose algorithm has no anneal —
 * so an edit goes to the arms where it applies and is left out (and shown as such) elsewhere,
 * instead of being an unknown field there.
 */
export function overrideApplies(specInput: object, path: string): boolean {
  const parts = path.split('.');
  let node: unknown = specInput;
  for (const key of parts.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return node !== null && typeof node === 'object' && !Array.isArray(node);
}
