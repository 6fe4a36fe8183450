/**
 * The sweep form of a run spec: one parameter over a list of values, crossed with seeds
 * (e.g. model.width over [64, 256] × seeds [1, 2]), and optionally with further `grid` axes
 * (e.g. data.r × model.width × algorithm: a full grid). Each point is the base spec (a preset or
 * an inline spec without seed) with every axis set to one of its values and `seed` to one seed;
 * the CLI expands and runs the points one after another. Pure zod, like every spec file.
 */
import { z } from 'zod';

export const SweepSpecSchema = z
  .strictObject({
    kind: z.literal('sweep').meta({ title: 'Sweep', description: 'One parameter over a list of values, crossed with seeds' }),
    name: z.string().max(200).optional().meta({ title: 'Name', description: 'Prefix of every point’s run name' }),
    preset: z.string().min(1).optional().meta({ title: 'Preset', description: 'Base spec: a preset name (give this or base)' }),
    base: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ title: 'Base spec', description: 'Base spec: an inline run spec without seed (give this or preset)' }),
    set: z
      .array(z.string())
      .default([])
      .meta({ title: 'Overrides', description: 'path=value overrides applied to the base before the sweep, e.g. "data.d=128"' }),
    parameter: z.string().min(1).meta({ title: 'Parameter', description: 'Dotted path of the swept field, e.g. model.width, data.r, objective.lambda, algorithm.eta1' }),
    values: z.array(z.json()).min(1).max(1000).meta({ title: 'Values', description: 'Values of the swept field (JSON values)' }),
    grid: z
      .array(
        z.strictObject({
          parameter: z.string().min(1).meta({ title: 'Parameter', description: 'Dotted path of a further swept field' }),
          values: z.array(z.json()).min(1).max(1000).meta({ title: 'Values', description: 'Its values (JSON values; an object replaces the whole field, e.g. an algorithm)' }),
        }),
      )
      .max(6)
      .default([])
      .meta({ title: 'Grid axes', description: 'Further parameters crossed with parameter × values (a full grid: every combination × every seed)' }),
    seeds: z
      .array(z.number().int().min(0).max(2 ** 31 - 1))
      .min(1)
      .max(1000)
      .meta({ title: 'Seeds', description: 'Each value runs once per seed' }),
  })
  .superRefine((s, ctx) => {
    if ((s.preset === undefined) === (s.base === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['preset'], message: 'give exactly one of preset or base' });
    }
    const paths = [s.parameter, ...s.grid.map((a) => a.parameter)];
    paths.forEach((p, i) => {
      if (paths.indexOf(p) !== i) ctx.addIssue({ code: 'custom', path: ['grid', i - 1, 'parameter'], message: `${p} is swept twice; list each parameter once` });
    });
    const points = s.grid.reduce((n, a) => n * a.values.length, s.values.length) * s.seeds.length;
    if (points > 100_000) ctx.addIssue({ code: 'custom', path: ['grid'], message: `the grid has ${points} points; keep it under 100 000` });
  })
  .meta({ title: 'Sweep spec', description: 'Runs base × values (× grid axes) × seeds' });

export type SweepSpec = z.infer<typeof SweepSpecSchema>;
export type SweepSpecInput = z.input<typeof SweepSpecSchema>;

/** True when a parsed JSON document is meant as a sweep (its kind is 'sweep'). */
export function isSweepDocument(doc: unknown): boolean {
  return typeof doc === 'object' && doc !== null && (doc as { kind?: unknown }).kind === 'sweep';
}
