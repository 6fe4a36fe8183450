/**
 * `lrlab sweep FILE`: expands a sweep spec (parameter × values × seeds) into run specs, runs
 * them one after another, and prints a table of final metrics per point plus mean ± std over
 * seeds per value.
 */
import type { RunHooks } from '../experiments';
import type { RunSpec } from '../spec';
import type { SweepSpec } from '../spec/sweep';
import { SweepSpecSchema } from '../spec/sweep';
import { specPaths, specProblems } from '../spec/strict';
import { z } from 'zod';
import { getPath } from './overrides';
import { resolveRunSpec } from './resolve';
import type { CliRunResult, RunWithProgressOptions } from './run';
import { runWithProgress } from './run';

export interface SweepPoint {
  readonly value: unknown;
  readonly seed: number;
  readonly spec: RunSpec;
}

/** Parses a sweep document, listing every problem. */
export function parseSweepSpec(doc: unknown): SweepSpec {
  const r = SweepSpecSchema.safeParse(doc);
  if (r.success) return r.data;
  const problems = specProblems(r.error, specPaths(z.toJSONSchema(SweepSpecSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>));
  throw new Error(`Invalid sweep spec:\n${problems.map((p) => `  - ${p.path || '(spec)'}: ${p.message}`).join('\n')}`);
}

/** A swept value for names and labels: an object with a `name` (an algorithm) by that name. */
export function formatSweptValue(v: unknown): string {
  if (typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string') return (v as { name: string }).name;
  return JSON.stringify(v);
}

/** The axes of a sweep: its parameter, then its grid axes. */
export function sweepAxes(sweep: SweepSpec): { parameter: string; values: readonly unknown[] }[] {
  return [{ parameter: sweep.parameter, values: sweep.values }, ...sweep.grid];
}

/** "data.r" for a one-parameter sweep, "data.r × model.width × algorithm" for a grid. */
export function sweepLabel(sweep: SweepSpec): string {
  return sweepAxes(sweep).map((a) => a.parameter).join(' × ');
}

/**
 * The run specs of a sweep, value-major (all seeds of the first value first; with grid axes
 * the last axis varies fastest). A point's `value` is the swept value, or for a grid an object
 * { parameter: value } over every axis.
 */
export function expandSweepPoints(sweep: SweepSpec): SweepPoint[] {
  const axes = sweepAxes(sweep);
  let combos: unknown[][] = [[]];
  for (const a of axes) combos = combos.flatMap((c) => a.values.map((v) => [...c, v]));
  const points: SweepPoint[] = [];
  for (const combo of combos) {
    const value = sweep.grid.length === 0 ? combo[0] : Object.fromEntries(axes.map((a, i) => [a.parameter, combo[i]]));
    for (const seed of sweep.seeds) {
      const spec = resolveRunSpec({
        ...(sweep.preset !== undefined ? { preset: sweep.preset } : { specInput: sweep.base ?? {} }),
        set: sweep.set,
        overrides: axes.map((a, i) => ({ path: a.parameter, value: combo[i] })),
        seed,
      });
      const prefix = sweep.name ?? spec.name ?? sweep.preset ?? 'sweep';
      const coords = axes.map((a, i) => `${a.parameter}=${formatSweptValue(combo[i])}`).join(' ');
      const named = { ...spec, name: `${prefix.replace(/ s\d+$/, '')} ${coords} s${seed}` };
      points.push({ value, seed, spec: named });
    }
  }
  return points;
}

export function expandSweep(sweep: SweepSpec): RunSpec[] {
  return expandSweepPoints(sweep).map((p) => p.spec);
}

/** What a sweep table shows of one run: an engine RunResult, or a stored run's row (null where it has none). */
export interface SweepResult {
  readonly status: string;
  readonly steps: number | null;
  readonly annealStep: number | null;
  readonly wallS: number | null;
  readonly final: Readonly<Record<string, number>>;
  /** Training loss stuck at or collapsed back to chance (engine RunResult.collapsed). */
  readonly collapsed?: boolean;
}

export interface SweepRow<R extends SweepResult = CliRunResult> {
  readonly value: unknown;
  readonly seed: number;
  readonly result: R;
}

export interface RunSweepOptions extends Omit<RunWithProgressOptions, 'label'> {
  /** Hooks for one point (e.g. a store recording that point as its own run); overrides `hooks`. */
  readonly hooksFor?: (point: SweepPoint, index: number) => RunHooks;
}

/** Runs the points one after another (in the order of expandSweepPoints). */
export async function runSweep(sweep: SweepSpec, options: RunSweepOptions): Promise<SweepRow[]> {
  const points = expandSweepPoints(sweep);
  const rows: SweepRow[] = [];
  const { hooksFor, ...base } = options;
  for (const [i, p] of points.entries()) {
    const label = `[${i + 1}/${points.length} ${sweep.grid.length ? formatGridValue(p.value) : `${sweep.parameter}=${JSON.stringify(p.value)}`} seed=${p.seed}]`;
    const hooks = hooksFor ? hooksFor(p, i) : base.hooks;
    rows.push({ value: p.value, seed: p.seed, result: await runWithProgress(p.spec, { ...base, label, ...(hooks ? { hooks } : {}) }) });
  }
  return rows;
}

/** "data.r=1 model.width=64 algorithm=S" for a grid point's value. */
export function formatGridValue(v: unknown): string {
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}=${formatSweptValue(x)}`)
    .join(' ');
}

function showValue(v: unknown): string {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? formatGridValue(v) : JSON.stringify(v);
}

export const DEFAULT_SWEEP_KEYS = ['train/loss', 'test/p_only/err', 'test/q_only/err', 'test/both/err', 'test/all/err', 'test/r_acc', 'test/g_acc'] as const;

function cell(x: number | undefined): string {
  if (x === undefined) return '—';
  if (!Number.isFinite(x)) return String(x);
  return x.toFixed(4);
}

function meanStd(xs: readonly number[]): string {
  const v = xs.filter((x) => Number.isFinite(x));
  if (v.length === 0) return 'NaN';
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1)) : 0;
  return `${mean.toFixed(4)}±${sd.toFixed(4)}`;
}

function table(header: readonly string[], body: readonly (readonly string[])[]): string {
  const w = header.map((h, c) => Math.max(h.length, ...body.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]) => r.map((x, c) => x.padStart(w[c]!)).join('  ');
  return [line(header), w.map((n) => '-'.repeat(n)).join('  '), ...body.map(line)].join('\n');
}

/**
 * One row per point (value, seed, status, steps, anneal, wall, final metrics), then one row
 * per value with mean ± sample std over its seeds.
 */
export function formatSweepTable(parameter: string, rows: readonly SweepRow<SweepResult>[], keys: readonly string[] = DEFAULT_SWEEP_KEYS): string {
  const header = [parameter, 'seed', 'status', 'steps', 'anneal', 'wall_s', ...keys];
  const body = rows.map((r) => [
    showValue(r.value),
    String(r.seed),
    r.result.collapsed ? `${r.result.status} (collapsed)` : r.result.status,
    r.result.steps === null ? '—' : String(r.result.steps),
    r.result.annealStep === null ? '—' : String(r.result.annealStep),
    r.result.wallS === null ? '—' : r.result.wallS.toFixed(1),
    ...keys.map((k) => cell(r.result.final[k])),
  ]);
  const values: unknown[] = [];
  for (const r of rows) if (!values.some((v) => JSON.stringify(v) === JSON.stringify(r.value))) values.push(r.value);
  const aggHeader = [parameter, 'seeds', ...keys.map((k) => `${k} mean±std`)];
  const agg = values.map((v) => {
    const rs = rows.filter((r) => JSON.stringify(r.value) === JSON.stringify(v));
    return [showValue(v), String(rs.length), ...keys.map((k) => meanStd(rs.map((r) => r.result.final[k] ?? Number.NaN)))];
  });
  return `${table(header, body)}\n\n${table(aggHeader, agg)}\n`;
}

/** The swept value a spec ended up with (for tables built from stored runs). */
export function sweptValue(spec: RunSpec, parameter: string): unknown {
  return getPath(spec, parameter);
}
