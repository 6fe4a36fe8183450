import { describe, expect, it } from 'vitest';
import type { JsonSchema } from './schemaForm';
import {
  checkSpec,
  checkValue,
  fieldModel,
  getAt,
  initialValue,
  parseNumberInput,
  rangeText,
  schemaForSpec,
  setAt,
  specOverrides,
  switchVariant,
} from './schemaForm';
// A snapshot of `runSpecJsonSchema()` (engine/spec) taken while writing these tests: the real shape
// the host serves (nested objects, discriminated unions, number | "stationary").
import snapshot from './__fixtures__/runSpec.schema.json';

const root = snapshot as unknown as JsonSchema;

describe('fieldModel', () => {
  it('reads the root as variants on kind, and a synthetic spec as an object', () => {
    const m = fieldModel(root, root);
    expect(m.type).toBe('variants');
    if (m.type === 'variants') expect(m.discriminator).toBe('kind');
    const syn = fieldModel(schemaForSpec(root, { kind: 'synthetic' }), root);
    expect(syn.type).toBe('object');
    if (syn.type === 'object') expect(syn.fields.map((f) => f.key)).toEqual(expect.arrayContaining(['seed', 'data', 'algorithm']));
  });

  it('finds the algorithm union by name and τ0 as a number-or-literal', () => {
    const syn = schemaForSpec(root, { kind: 'synthetic' });
    const alg = fieldModel(syn.properties?.algorithm ?? {}, root);
    expect(alg.type === 'variants' && alg.discriminator).toBe('name');
    if (alg.type === 'variants') expect(alg.variants.map((v) => v.value)).toEqual(['L-S', 'S', 'S+noise']);
    const tau0 = fieldModel(syn.properties?.init?.properties?.tau0 ?? {}, root);
    expect(tau0.type).toBe('numberOrLiteral');
    if (tau0.type === 'numberOrLiteral') expect(tau0.literals).toEqual(['stationary']);
  });

  it('follows $ref into $defs', () => {
    const s: JsonSchema = { $defs: { Eta: { type: 'number', minimum: 0 } }, type: 'object', properties: { eta: { $ref: '#/$defs/Eta' } } };
    const m = fieldModel(s, s);
    expect(m.type === 'object' && m.fields[0]?.schema.type).toBe('number');
  });
});

describe('checkValue', () => {
  const d: JsonSchema = { type: 'integer', minimum: 2, maximum: 65536, default: 64 };
  it('flags out-of-range, fractional and non-numeric values with the reason', () => {
    expect(checkValue(d, 1, false, root)).toMatch(/Too small: must be ≥ 2/);
    expect(checkValue(d, 70000, false, root)).toMatch(/Too large/);
    expect(checkValue(d, 2.5, false, root)).toMatch(/whole number/);
    expect(checkValue(d, '3x', false, root)).toMatch(/Not a number/);
    expect(checkValue(d, 64, false, root)).toBeNull();
    expect(checkValue({ type: 'number', exclusiveMinimum: 0 }, 0, false, root)).toMatch(/must be > 0/);
  });
  it('requires a value only when there is no default', () => {
    expect(checkValue({ type: 'integer' }, undefined, true, root)).toBe('Required');
    expect(checkValue(d, undefined, true, root)).toBeNull();
  });
  it('accepts a literal of a number-or-literal field', () => {
    const tau0 = schemaForSpec(root, { kind: 'synthetic' }).properties?.init?.properties?.tau0 ?? {};
    expect(checkValue(tau0, 'stationary', false, root)).toBeNull();
    expect(checkValue(tau0, 'warm', false, root)).toMatch(/Not a number or "stationary"/);
    expect(checkValue(tau0, -1, false, root)).toMatch(/Too small/);
  });
});

describe('checkSpec', () => {
  it('lists problems by dotted path, inside the active union variant', () => {
    const spec = { kind: 'synthetic', seed: 1, data: { d: 1 }, algorithm: { name: 'L-S', eta1: -2 } };
    const p = checkSpec(root, spec);
    expect([...p.keys()].sort()).toEqual(['algorithm.eta1', 'data.d']);
  });
  it('says when the seed is missing', () => {
    expect(checkSpec(root, { kind: 'synthetic', algorithm: { name: 'S' } }).get('seed')).toBe('Required');
  });
});

describe('editing by path', () => {
  it('sets and removes nested values without touching the input', () => {
    const a = { data: { d: 64 } };
    const b = setAt(a, ['data', 'd'], 32);
    expect(getAt(b, ['data', 'd'])).toBe(32);
    expect(a.data.d).toBe(64);
    const c = setAt(b, ['model', 'width'], 8);
    expect(c).toEqual({ data: { d: 32 }, model: { width: 8 } });
    expect(setAt(c, ['data', 'd'], undefined)).toEqual({ data: {}, model: { width: 8 } });
  });

  it('switches an algorithm variant, keeping the fields both have', () => {
    const syn = schemaForSpec(root, { kind: 'synthetic' });
    const spec = { kind: 'synthetic', seed: 0, algorithm: { name: 'L-S', eta1: 0.2, eta2: 0.03 } };
    const next = switchVariant(spec, ['algorithm'], syn.properties?.algorithm ?? {}, 'S+noise', root);
    expect(next.algorithm).toEqual({ name: 'S+noise', eta2: 0.03 });
  });

  it('builds initial values from defaults and required discriminators', () => {
    const syn = schemaForSpec(root, { kind: 'synthetic' });
    const anneal = syn.properties?.algorithm?.oneOf?.[0]?.properties?.anneal ?? {};
    expect(initialValue(anneal, root)).toEqual({ mode: 'loss-threshold' });
    expect(initialValue(anneal.oneOf?.[1] ?? {}, root)).toEqual({ mode: 'iteration' });
  });
});

describe('small helpers', () => {
  it('writes ranges', () => {
    expect(rangeText({ exclusiveMinimum: 0, maximum: 1e6 })).toBe('0 < value ≤ 1,000,000');
    expect(rangeText({ minimum: 1e-4 })).toBe('1e-4 ≤ value');
    expect(rangeText({ type: 'number' })).toBe('');
  });
  it('parses number input: empty is unset, junk stays text', () => {
    expect(parseNumberInput(' ')).toBeUndefined();
    expect(parseNumberInput('1e-3')).toBe(0.001);
    expect(parseNumberInput('0.1.2')).toBe('0.1.2');
  });
  it('finds the overrides of an edited preset, skipping the algorithm', () => {
    const base = { kind: 'synthetic', data: { d: 64 }, algorithm: { name: 'L-S', eta1: 0.1 } };
    const edited = { kind: 'synthetic', seed: 3, data: { d: 32, q0: 0.4 }, algorithm: { name: 'L-S', eta1: 0.5 } };
    expect(specOverrides(base, edited, ['algorithm', 'seed', 'name'])).toEqual({ 'data.d': 32, 'data.q0': 0.4 });
  });
});
