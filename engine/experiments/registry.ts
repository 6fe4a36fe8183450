/**
 * The experiment-kind registry: every kind LR Lab can run, one folder each under
 * engine/experiments exporting one `ExperimentKind` (kind.ts). The run spec's schema, the
 * designer's derived values and preview, the memory check, the run list's condition labels,
 * the run browser's columns and the comparison view's defaults are all read from this table,
 * so adding a kind is adding a folder and a line here.
 *
 * `createRegistry(kinds)` builds the same views over another table (tests add a fake kind).
 */
import { z } from 'zod';
import { currentBackend } from '../backend';
import { estimatePeakMemory, type MemoryEstimate } from '../memory/estimate';
import type { ExperimentKind, KindInfo, SpecDescription } from './kind';
import type { RunHooks, RunOptions, RunResult } from './types';
import { parseStored, specPaths, specProblems } from '../spec/strict';
import { syntheticKind } from './synthetic';
import { imageKind } from './image';

/** The built-in kinds, in the order the designer lists them. */
export const BUILTIN_KINDS = [syntheticKind, imageKind] as const;

/** A spec as the registry sees it: an object with a `kind` and a seed (validated by the kind's schema). */
export interface AnySpec {
  readonly kind: string;
  readonly seed: number;
  /** The backend the spec asks for ('auto': whatever the host found). */
  readonly backend?: string;
}

export interface SpecProblemOf {
  readonly path: string;
  readonly message: string;
}

export interface ExperimentRegistry {
  readonly kinds: readonly ExperimentKind[];
  /** The kind of a spec; throws on one no kind claims. */
  kindOf(spec: { readonly kind: string }): ExperimentKind;
  /** The union of every kind's spec schema, discriminated by `kind`. */
  readonly specSchema: z.ZodType<AnySpec>;
  /** Parses a spec document strictly (an unknown key is a problem): the parsed spec, or every problem with its dotted path. */
  check(input: unknown): { ok: true; spec: AnySpec } | { ok: false; problems: SpecProblemOf[] };
  /**
   * Parses a spec that is already stored (store row, run folder, bundle): keys the schema no
   * longer has are dropped and named in `dropped`, so old runs still load (engine/spec/strict.ts).
   */
  readStored(input: unknown): { ok: true; spec: AnySpec; dropped: readonly string[] } | { ok: false; problems: SpecProblemOf[] };
  /** JSON Schema of the spec union (the designer's generated form). */
  jsonSchema(): Record<string, unknown>;
  describe(spec: AnySpec): SpecDescription;
  /** Peak memory of one training step of `spec` on `backend`, and whether it fits. */
  memory(spec: AnySpec, backend: string): MemoryEstimate;
  /** The run list's algorithm label. */
  condition(spec: AnySpec): string;
  /** The JSON part of every kind (the api's `experiments.kinds`). */
  infos(): KindInfo[];
  run(spec: AnySpec, hooks?: RunHooks, options?: RunOptions): Promise<RunResult>;
}

/** On webgpu, the adapter's largest bindable buffer, when this process has found the adapter. */
function bufferLimit(backend: string): { bufferLimitBytes?: number } {
  const limit = backend === 'webgpu' ? currentBackend()?.adapter?.limits['maxStorageBufferBindingSize'] : undefined;
  return limit !== undefined ? { bufferLimitBytes: limit } : {};
}

export function createRegistry(kinds: readonly ExperimentKind[]): ExperimentRegistry {
  const byKind = new Map<string, ExperimentKind>();
  for (const k of kinds) {
    if (byKind.has(k.kind)) throw new Error(`Two experiment kinds are called "${k.kind}"`);
    byKind.set(k.kind, k);
  }
  const kindOf = (spec: { readonly kind: string }): ExperimentKind => {
    const k = byKind.get(spec.kind);
    if (!k) throw new Error(`Unknown experiment kind "${spec.kind}". Known: ${[...byKind.keys()].join(', ')}.`);
    return k;
  };
  const schemas = kinds.map((k) => k.specSchema) as unknown as [z.ZodObject, ...z.ZodObject[]];
  const specSchema = (schemas.length === 1 ? schemas[0] : z.discriminatedUnion('kind', schemas)) as unknown as z.ZodType<AnySpec>;
  let json: Record<string, unknown> | null = null;
  const jsonSchema = (): Record<string, unknown> => (json ??= z.toJSONSchema(specSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>);
  const pathsOf = (input: unknown): string[] | undefined => {
    const kind = (input as { kind?: unknown } | null)?.kind;
    return typeof kind === 'string' && byKind.has(kind) ? specPaths(jsonSchema(), kind) : undefined;
  };
  return {
    kinds,
    kindOf,
    specSchema,
    check(input) {
      const r = specSchema.safeParse(input);
      if (r.success) return { ok: true, spec: r.data };
      return { ok: false, problems: specProblems(r.error, pathsOf(input)) };
    },
    readStored(input) {
      const r = parseStored(specSchema, input);
      if (r.ok) return { ok: true, spec: r.spec, dropped: r.dropped };
      return { ok: false, problems: specProblems(r.error, pathsOf(input)) };
    },
    jsonSchema,
    describe: (spec) => kindOf(spec).describe(spec),
    memory: (spec, backend) => estimatePeakMemory({ ...kindOf(spec).memoryModel(spec), backend, ...bufferLimit(backend) }),
    condition: (spec) => kindOf(spec).condition(spec),
    infos: () =>
      kinds.map((k) => ({
        kind: k.kind,
        label: k.label,
        fields: k.fields,
        conditions: k.conditions,
        metrics: k.metrics,
        defaultColumns: k.defaultColumns,
        defaultPanels: k.defaultPanels,
        layouts: k.layouts,
        capabilities: { patchPreview: k.capabilities?.patchPreview ?? false },
      })),
    run: (spec, hooks, options) => kindOf(spec).run(spec, hooks, options),
  };
}

/** The registry of the built-in kinds. */
export const experiments: ExperimentRegistry = createRegistry(BUILTIN_KINDS as unknown as readonly ExperimentKind[]);
