/**
 * Reading the RunSpec JSON Schema (zod 4 → JSON Schema, with `title`, `description`, `unit`)
 * into a form model, and editing a spec by path. Pure functions: no Vue, no DOM.
 *
 * The form is generated from whatever the engine's schema says, so a field added to the
 * engine shows up in the designer without a renderer change.
 */

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly title?: string;
  readonly description?: string;
  readonly unit?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly items?: JsonSchema;
  readonly $ref?: string;
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
  readonly definitions?: Readonly<Record<string, JsonSchema>>;
}

export type SpecValue = Record<string, unknown>;
export type Path = readonly string[];

export const pathKey = (path: Path): string => path.join('.');

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Follows a local `$ref` (`#/$defs/X`) against the root schema. */
export function deref(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let s = schema;
  for (let i = 0; i < 16 && s.$ref; i++) {
    const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(s.$ref);
    const defs = m ? (m[1] === '$defs' ? root.$defs : root.definitions) : undefined;
    const target = m && defs ? defs[decodeURIComponent(m[2] ?? '')] : undefined;
    if (!target) break;
    const { $ref: _ref, ...rest } = s;
    s = { ...target, ...rest };
  }
  return s;
}

/** The property whose `const` tells the variants of a oneOf/anyOf apart (`kind`, `name`, `mode`). */
export function discriminatorOf(variants: readonly JsonSchema[], root: JsonSchema): string | null {
  const first = variants[0] ? deref(variants[0], root) : undefined;
  if (!first?.properties || variants.length < 1) return null;
  for (const key of Object.keys(first.properties)) {
    const consts = variants.map((v) => deref(v, root).properties?.[key]?.const);
    if (consts.every((c) => c !== undefined) && new Set(consts).size === consts.length) return key;
  }
  return null;
}

export type FieldModel =
  | { readonly type: 'number'; readonly integer: boolean }
  | { readonly type: 'string' }
  | { readonly type: 'boolean' }
  | { readonly type: 'enum'; readonly options: readonly unknown[] }
  | { readonly type: 'const'; readonly value: unknown }
  /** A number or one of a few literal strings, e.g. τ0: number | "stationary". */
  | { readonly type: 'numberOrLiteral'; readonly integer: boolean; readonly number: JsonSchema; readonly literals: readonly string[] }
  | { readonly type: 'object'; readonly fields: readonly PropertyModel[] }
  | {
      readonly type: 'variants';
      readonly discriminator: string;
      readonly variants: readonly { readonly value: unknown; readonly title: string; readonly description: string; readonly schema: JsonSchema }[];
    }
  /** Anything the form cannot draw: edited as JSON text. */
  | { readonly type: 'json' };

export interface PropertyModel {
  readonly key: string;
  readonly schema: JsonSchema;
  readonly required: boolean;
}

function typeList(s: JsonSchema): readonly string[] {
  return s.type === undefined ? [] : typeof s.type === 'string' ? [s.type] : s.type;
}

/** How a schema node is drawn. */
export function fieldModel(schemaIn: JsonSchema, root: JsonSchema): FieldModel {
  const schema = deref(schemaIn, root);
  const alts = schema.oneOf ?? schema.anyOf;
  if (alts && alts.length > 0) {
    const resolved = alts.map((a) => deref(a, root));
    const disc = discriminatorOf(resolved, root);
    if (disc) {
      return {
        type: 'variants',
        discriminator: disc,
        variants: resolved.map((v) => {
          const c = v.properties?.[disc];
          return { value: c?.const, title: v.title ?? c?.title ?? String(c?.const), description: v.description ?? c?.description ?? '', schema: v };
        }),
      };
    }
    const nums = resolved.filter((a) => typeList(a).some((t) => t === 'number' || t === 'integer'));
    const lits = resolved.filter((a) => typeof a.const === 'string' || (a.enum?.every((e) => typeof e === 'string') ?? false));
    if (nums.length === 1 && lits.length === resolved.length - 1 && nums[0]) {
      const literals = lits.flatMap((l) => (l.enum ? (l.enum as string[]) : [l.const as string]));
      return { type: 'numberOrLiteral', integer: typeList(nums[0]).includes('integer') && !typeList(nums[0]).includes('number'), number: nums[0], literals };
    }
    return { type: 'json' };
  }
  if (schema.const !== undefined) return { type: 'const', value: schema.const };
  if (schema.enum) return { type: 'enum', options: schema.enum };
  const types = typeList(schema);
  if (types.includes('object') || schema.properties) {
    const req = new Set(schema.required ?? []);
    return {
      type: 'object',
      fields: Object.entries(schema.properties ?? {}).map(([key, s]) => ({ key, schema: deref(s, root), required: req.has(key) })),
    };
  }
  if (types.includes('number') || types.includes('integer')) return { type: 'number', integer: !types.includes('number') };
  if (types.includes('boolean')) return { type: 'boolean' };
  if (types.includes('string')) return { type: 'string' };
  return { type: 'json' };
}

/** The variant of a discriminated union that a value is in (or the first when it names none). */
export function activeVariant(schema: JsonSchema, value: unknown, root: JsonSchema): JsonSchema | null {
  const m = fieldModel(schema, root);
  if (m.type !== 'variants') return null;
  const tag = isRecord(value) ? value[m.discriminator] : undefined;
  return (m.variants.find((v) => v.value === tag) ?? m.variants[0])?.schema ?? null;
}

/** The schema of the experiment kind a spec is (the root is a oneOf on `kind`). */
export function schemaForSpec(root: JsonSchema, spec: SpecValue): JsonSchema {
  return activeVariant(root, spec, root) ?? root;
}

/**
 * A fresh value for a schema: its default, or for an object its required properties
 * (discriminators set), so switching a union variant yields a valid-looking start.
 */
export function initialValue(schemaIn: JsonSchema, root: JsonSchema): unknown {
  const schema = deref(schemaIn, root);
  if (schema.default !== undefined) return jsonClone(schema.default);
  const m = fieldModel(schema, root);
  if (m.type === 'const') return m.value;
  if (m.type === 'variants') return initialValue(m.variants[0]?.schema ?? {}, root);
  if (m.type === 'object') {
    const out: SpecValue = {};
    for (const f of m.fields) {
      if (!f.required) continue;
      const v = initialValue(f.schema, root);
      if (v !== undefined) out[f.key] = v;
    }
    return out;
  }
  if (m.type === 'enum') return m.options[0];
  return undefined;
}

export function getAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const k of path) {
    if (!isRecord(v)) return undefined;
    v = v[k];
  }
  return v;
}

/** A copy of `obj` with `path` set to `value` (`undefined` removes the key). */
export function setAt(obj: SpecValue, path: Path, value: unknown): SpecValue {
  const [head, ...rest] = path;
  if (head === undefined) return isRecord(value) ? value : obj;
  const out: SpecValue = { ...obj };
  if (rest.length === 0) {
    if (value === undefined) delete out[head];
    else out[head] = value;
    return out;
  }
  const child = isRecord(obj[head]) ? (obj[head] as SpecValue) : {};
  const next = setAt(child, rest, value);
  if (value === undefined && Object.keys(next).length === 0 && !isRecord(obj[head])) delete out[head];
  else out[head] = next;
  return out;
}

/** Switches a discriminated union at `path` to another variant, keeping fields both share. */
export function switchVariant(obj: SpecValue, path: Path, schema: JsonSchema, tag: unknown, root: JsonSchema): SpecValue {
  const m = fieldModel(schema, root);
  if (m.type !== 'variants') return obj;
  const target = m.variants.find((v) => v.value === tag);
  if (!target) return obj;
  const fresh = (initialValue(target.schema, root) ?? {}) as SpecValue;
  const old = getAt(obj, path);
  const keep: SpecValue = {};
  if (isRecord(old)) {
    for (const k of Object.keys(target.schema.properties ?? {})) if (k !== m.discriminator && old[k] !== undefined) keep[k] = old[k];
  }
  return setAt(obj, path, { ...fresh, ...keep, [m.discriminator]: tag });
}

const fmt = (n: number): string => {
  if (Number.isInteger(n) && Math.abs(n) < 1e12) return Math.abs(n) >= 1e4 ? n.toLocaleString('en-US') : String(n);
  return Math.abs(n) >= 1e5 || (Math.abs(n) < 1e-3 && n !== 0) ? n.toExponential() : String(n);
};

/** "0 < x ≤ 1e6"-style range text, or '' when unbounded. */
export function rangeText(schema: JsonSchema): string {
  const lo = schema.exclusiveMinimum !== undefined ? `${fmt(schema.exclusiveMinimum)} <` : schema.minimum !== undefined ? `${fmt(schema.minimum)} ≤` : '';
  const hi = schema.exclusiveMaximum !== undefined ? `< ${fmt(schema.exclusiveMaximum)}` : schema.maximum !== undefined ? `≤ ${fmt(schema.maximum)}` : '';
  if (!lo && !hi) return '';
  return [lo, 'value', hi].filter(Boolean).join(' ');
}

/**
 * An immediate check of one value against its schema node, so a field can flag a bad value
 * as it is typed; the host's validate (debounced) adds the cross-field checks.
 */
export function checkValue(schemaIn: JsonSchema, value: unknown, required: boolean, root: JsonSchema): string | null {
  const schema = deref(schemaIn, root);
  if (value === undefined || value === '') return required && schema.default === undefined ? 'Required' : null;
  const m = fieldModel(schema, root);
  const checkNumber = (s: JsonSchema, integer: boolean, v: unknown): string | null => {
    if (typeof v !== 'number') return `Not a number: "${String(v)}"`;
    if (!Number.isFinite(v)) return 'Must be a finite number';
    if (integer && !Number.isInteger(v)) return 'Must be a whole number';
    if (s.minimum !== undefined && v < s.minimum) return `Too small: must be ≥ ${fmt(s.minimum)}`;
    if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) return `Too small: must be > ${fmt(s.exclusiveMinimum)}`;
    if (s.maximum !== undefined && v > s.maximum) return `Too large: must be ≤ ${fmt(s.maximum)}`;
    if (s.exclusiveMaximum !== undefined && v >= s.exclusiveMaximum) return `Too large: must be < ${fmt(s.exclusiveMaximum)}`;
    return null;
  };
  switch (m.type) {
    case 'number':
      return checkNumber(schema, m.integer, value);
    case 'numberOrLiteral':
      if (typeof value === 'string' && m.literals.includes(value)) return null;
      if (typeof value === 'string') return `Not a number or ${m.literals.map((l) => `"${l}"`).join(', ')}: "${value}"`;
      return checkNumber(m.number, m.integer, value);
    case 'enum':
      return m.options.includes(value) ? null : `Must be one of ${m.options.map(String).join(', ')}`;
    case 'string':
      if (typeof value !== 'string') return 'Must be text';
      if (schema.maxLength !== undefined && value.length > schema.maxLength) return `At most ${schema.maxLength} characters`;
      if (schema.minLength !== undefined && value.length < schema.minLength) return `At least ${schema.minLength} characters`;
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : 'Must be true or false';
    default:
      return null;
  }
}

/** Walks the spec against the schema and returns every immediate problem by dotted path. */
export function checkSpec(root: JsonSchema, spec: SpecValue): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (schema: JsonSchema, value: unknown, path: string[], required: boolean): void => {
    const m = fieldModel(schema, root);
    if (m.type === 'object') {
      if (value === undefined) return;
      if (!isRecord(value)) {
        out.set(pathKey(path), 'Must be an object');
        return;
      }
      for (const f of m.fields) walk(f.schema, value[f.key], [...path, f.key], f.required);
      return;
    }
    if (m.type === 'variants') {
      if (value === undefined) {
        if (required && deref(schema, root).default === undefined) out.set(pathKey(path), 'Required');
        return;
      }
      const tag = isRecord(value) ? value[m.discriminator] : undefined;
      const v = m.variants.find((x) => x.value === tag);
      if (!v) {
        out.set(pathKey([...path, m.discriminator]), `Must be one of ${m.variants.map((x) => String(x.value)).join(', ')}`);
        return;
      }
      walk(v.schema, value, path, required);
      return;
    }
    const problem = checkValue(schema, value, required, root);
    if (problem) out.set(pathKey(path), problem);
  };
  walk(schemaForSpec(root, spec), spec, [], true);
  return out;
}

/** Leaves of a plain object as dotted path → value (arrays are leaves). */
export function flattenLeaves(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!isRecord(value)) {
    if (prefix) out.set(prefix, value);
    return out;
  }
  for (const [k, v] of Object.entries(value)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (isRecord(v) && Object.keys(v).length > 0) for (const [pp, vv] of flattenLeaves(v, p)) out.set(pp, vv);
    else if (!isRecord(v)) out.set(p, v);
  }
  return out;
}

/**
 * Overrides (dotted path → value) that turn `base` into `edited`, skipping paths under `skip`
 * (e.g. the algorithm, which differs between a comparison's three conditions).
 */
export function specOverrides(base: SpecValue, edited: SpecValue, skip: readonly string[]): Record<string, unknown> {
  const a = flattenLeaves(base);
  const out: Record<string, unknown> = {};
  const skipped = (p: string): boolean => skip.some((s) => p === s || p.startsWith(`${s}.`));
  for (const [p, v] of flattenLeaves(edited)) {
    if (skipped(p)) continue;
    if (JSON.stringify(a.get(p)) !== JSON.stringify(v)) out[p] = v;
  }
  return out;
}

/** Parses what a person typed in a number box: '' → unset, a number, or the raw text (flagged). */
export function parseNumberInput(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isNaN(n) ? t : n;
}

/** A deep copy of JSON data (specs are JSON; works on Vue proxies, unlike structuredClone). */
export function jsonClone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
