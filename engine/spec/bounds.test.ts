import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SPEC_FILE_BYTES, checkRunSpec, jsonBoundsProblem } from './index';
import { readSpecFile, resolveRunSpec } from '../cli/resolve';

function nested(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

describe('bounded specs', () => {
  it('measures depth and value count without recursion', () => {
    expect(jsonBoundsProblem({ a: [1, { b: 2 }] })).toBeNull();
    expect(jsonBoundsProblem(nested(31))).toBeNull();
    expect(jsonBoundsProblem(nested(33))).toMatch(/nested deeper than 32 levels \(at a\.a/);
    expect(jsonBoundsProblem(nested(1_000_000))).toMatch(/nested deeper/);
    expect(jsonBoundsProblem(new Array(200_000).fill(0))).toMatch(/more than 100000 values/);
  });

  it('a deeply nested spec is a clear error from the api check and the CLI, not a stack overflow', () => {
    const deep = { kind: 'synthetic', seed: 1, x: nested(20_000) };
    const c = checkRunSpec(deep);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.problems[0]?.message).toMatch(/nested deeper than 32 levels/);
    expect(() => resolveRunSpec({ specInput: deep })).toThrow(/not a run spec: it is nested deeper than 32 levels/);
    const dir = mkdtempSync(join(tmpdir(), 'lrlab-bounds-'));
    const file = join(dir, 'deep.json');
    writeFileSync(file, JSON.stringify({ kind: 'synthetic', seed: 1 }).replace('}', `, "x": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`));
    expect(() => resolveRunSpec({ specFile: file })).toThrow(/deep\.json is not a spec: it is nested deeper than 32 levels/);
  });

  it('a spec file over 1 MiB, or not a regular file, is refused before it is read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lrlab-bounds-'));
    const big = join(dir, 'big.json');
    writeFileSync(big, `{"pad": "${'x'.repeat(MAX_SPEC_FILE_BYTES)}"}`);
    expect(() => readSpecFile(big)).toThrow(/has \d+ bytes; a spec file has at most 1048576/);
    expect(() => readSpecFile('/dev/zero')).toThrow(/not a regular file/);
  });
});
