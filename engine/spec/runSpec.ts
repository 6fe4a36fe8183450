/**
 * RunSpec: one JSON document that fully determines a run (seed included). The designer edits
 * it, the store keeps it verbatim, the CLI and the GUI both run it.
 */
import { z } from 'zod';
import { SyntheticSpecSchema } from '../experiments/synthetic/spec';
import { ImageSpecSchema } from '../experiments/image/spec';
import { jsonBoundsProblem } from './bounds';
import { parseStored, specPaths, specProblems } from './strict';

export const RunSpecSchema = z.discriminatedUnion('kind', [SyntheticSpecSchema, ImageSpecSchema]);
export type RunSpec = z.infer<typeof RunSpecSchema>;
export type RunSpecInput = z.input<typeof RunSpecSchema>;
export type ExperimentKind = RunSpec['kind'];

export interface SpecProblem {
  /** Dotted path to the field, e.g. `data.d`; '' for the document itself. */
  readonly path: string;
  readonly message: string;
}

export type SpecCheck =
  | { readonly ok: true; readonly spec: RunSpec }
  | { readonly ok: false; readonly problems: readonly SpecProblem[] };

/** Validates a spec and lists every problem with its path and the allowed range. */
export function checkRunSpec(input: unknown): SpecCheck {
  const tooBig = jsonBoundsProblem(input);
  if (tooBig) return { ok: false, problems: [{ path: '', message: `The spec is not a run spec: ${tooBig}.` }] };
  const r = RunSpecSchema.safeParse(input);
  if (r.success) return { ok: true, spec: r.data };
  const kind = (input as { kind?: unknown } | null)?.kind;
  return { ok: false, problems: specProblems(r.error, typeof kind === 'string' ? specPaths(runSpecJsonSchema(), kind) : undefined) };
}

/**
 * Reads a spec the store, a run folder or a bundle holds: like parseRunSpec, but a key the
 * schema no longer has (a field an older LR Lab wrote) is dropped, not an error, so old runs
 * still load (engine/spec/strict.ts). `dropped` names the keys left out.
 */
export function readStoredRunSpec(input: unknown): { spec: RunSpec; dropped: readonly string[] } {
  const r = parseStored(RunSpecSchema, input);
  if (r.ok) return { spec: r.spec, dropped: r.dropped };
  throw new SpecError(specProblems(r.error));
}

/** Like checkRunSpec but throws one error listing every problem. */
export function parseRunSpec(input: unknown): RunSpec {
  const c = checkRunSpec(input);
  if (c.ok) return c.spec;
  throw new SpecError(c.problems);
}

export class SpecError extends Error {
  constructor(readonly problems: readonly SpecProblem[]) {
    super(
      `Invalid run spec (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.path || '(spec)'}: ${p.message}`).join('\n'),
    );
    this.name = 'SpecError';
  }
}

/** The JSON Schema of RunSpec, for generated forms (zod 4 → JSON Schema, with `.meta` help). */
let jsonSchema: Record<string, unknown> | null = null;
export function runSpecJsonSchema(): Record<string, unknown> {
  return (jsonSchema ??= z.toJSONSchema(RunSpecSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>);
}
