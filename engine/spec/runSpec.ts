/**
 * RunSpec: one JSON document that fully determines a run (seed included). The designer edits
 * it, the store keeps it verbatim, the CLI and the GUI both run it.
 */
import { z } from 'zod';
import { SyntheticSpecSchema } from '../experiments/synthetic/spec';
import { ImageSpecSchema } from '../experiments/image/spec';
import { jsonBoundsProblem } from './bounds';

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
  return {
    ok: false,
    problems: r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  };
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
export function runSpecJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(RunSpecSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
