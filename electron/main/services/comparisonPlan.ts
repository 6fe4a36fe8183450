/**
 * What "Compare conditions" launches, arm by arm: one set of `path = value` edits applied to each
 * condition's preset. The host launches from this plan and the designer shows it (the api's
 * `training.planComparison`), so what a person is shown before launching is what runs.
 *
 * An edit applies to the arms whose spec has its parent object (see `overrideApplies`): an anneal
 * point means nothing to an arm whose algorithm has no anneal. An edit that applies to no arm
 * is refused (a misspelt path, or a field none of the conditions has), never dropped silently.
 */
import { getPath, overrideApplies, validSpecPaths, type ParsedOverride } from '../../../engine/cli/overrides';

export interface ArmChange {
  readonly path: string;
  /** The preset's value (undefined: the preset leaves it to the default). */
  readonly from: unknown;
  readonly to: unknown;
  /** The arms' presets differ here: the edit overrides what the comparison varies. */
  readonly overridesCondition: boolean;
}

export interface PlannedArm<P> {
  readonly preset: P;
  /** The edits that apply to this arm, in the order given: what the host applies to its spec. */
  readonly applied: readonly ParsedOverride[];
  /** The applied edits that change the preset's value (an edit to the value it has is left out). */
  readonly changes: readonly ArmChange[];
  /** Edits left out of this arm: its spec has no parent object for them. */
  readonly notApplied: readonly string[];
}

export interface ComparisonPlan<P> {
  readonly arms: readonly PlannedArm<P>[];
  /** Edits that apply to none of the arms: the launch refuses them. */
  readonly nowhere: readonly ParsedOverride[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The plan for a comparison's presets (`members`, in launch order) under the edits in `set`. */
export function planComparison<P extends { readonly spec: object }>(members: readonly P[], set: Readonly<Record<string, unknown>>): ComparisonPlan<P> {
  const overrides: ParsedOverride[] = Object.entries(set).map(([path, value]) => ({ path, value }));
  const arms = members.map((p) => {
    const applied = overrides.filter((o) => overrideApplies(p.spec, o.path));
    const changes: ArmChange[] = [];
    for (const { path, value: to } of applied) {
      const from = getPath(p.spec, path);
      if (same(from, to)) continue;
      const values = members.map((m) => getPath(m.spec, path));
      changes.push({ path, from, to, overridesCondition: values.some((v) => !same(v, values[0])) });
    }
    const notApplied = overrides.filter((o) => !applied.includes(o)).map((o) => o.path);
    return { preset: p, applied, changes, notApplied };
  });
  const nowhere = overrides.filter((o) => arms.every((a) => !a.applied.includes(o)));
  return { arms, nowhere };
}

/** What follows the quoted path(s) of an edit no arm of `comparison` has, when the host refuses it. */
export const appliesToNone = (comparison: string): string => `applies to none of the conditions of "${comparison}": remove it, or edit a path their specs have.`;

/** Why an edit that applies to no arm of `comparison` is refused, in words (for the plan's list). */
export function refusalReason(kind: string, comparison: string, path: string): string {
  return validSpecPaths(kind).includes(path) ? appliesToNone(comparison) : `is not a field of a ${kind} spec: remove it, or edit a path the spec has.`;
}
