/**
 * What "Compare conditions" will launch, arm by arm, before it launches: each condition's preset
 * with the user's edits applied (the host applies the same path = value overrides), listed as the
 * paths that change from that preset. An edit to a path where the arms' presets differ (the very
 * thing being compared, e.g. the learning rate) is flagged: it makes the arms alike there.
 */
import type { PresetInfo } from '@api/index';
import { flattenLeaves } from './schemaForm';

export interface ArmChange {
  readonly path: string;
  /** The preset's value (undefined: the preset leaves it to the default). */
  readonly from: unknown;
  readonly to: unknown;
  /** The arms' presets differ here: the edit overrides what the comparison varies. */
  readonly overridesCondition: boolean;
}

export interface Arm {
  readonly preset: string;
  readonly condition: string;
  readonly title: string;
  readonly changes: readonly ArmChange[];
}

export function comparisonPlan(presets: readonly PresetInfo[], comparison: string, overrides: Readonly<Record<string, unknown>>): Arm[] {
  const members = presets.filter((p) => p.comparison === comparison);
  const leaves = members.map((p) => flattenLeaves(p.spec));
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  return members.map((p, i) => {
    const mine = leaves[i] ?? new Map<string, unknown>();
    const changes: ArmChange[] = [];
    for (const [path, to] of Object.entries(overrides)) {
      // The host applies an edit only to arms whose spec has its parent object (an anneal point
      // means nothing to an arm without an anneal): the same rule here, on the preset's leaves.
      const parent = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
      if (parent && ![...mine.keys()].some((k) => k.startsWith(`${parent}.`))) continue;
      const from = mine.get(path);
      if (same(from, to)) continue;
      const values = leaves.map((l) => l.get(path));
      const overridesCondition = values.some((v) => !same(v, values[0]));
      changes.push({ path, from, to, overridesCondition });
    }
    return { preset: p.name, condition: p.condition, title: p.title, changes };
  });
}
