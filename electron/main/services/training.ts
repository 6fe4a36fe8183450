/** The training service: design (presets, schema, validation, schedule), launch, watch, stop, resume. */
import { randomUUID } from 'node:crypto';
import type { ApiServices } from '../../api/contract';
import { PRESET_GROUPS, PRESETS, type Preset } from '../../../engine/presets';
import type { RunSpec } from '../../../engine/spec';
import { experiments, type AnySpec, type ExperimentRegistry } from '../../../engine/experiments/registry';
import { applyOverrides } from '../../../engine/cli/overrides';
import { appliesToNone, planComparison, refusalReason } from './comparisonPlan';
import type { RunStore } from '../../../storage';
import { HostError } from '../host/errors';
import { estimateTime } from './timeEstimate';
import type { LaunchMeta, RunQueue } from '../training/queue';
import type { ExecutorChoice } from '../../api/schemas';
import { partitions, SlurmError } from '../cluster/slurm';
import type { SlurmExecutor } from '../cluster/slurmExecutor';

/** The presets of one comparison, in launch order; an unknown comparison is an error naming the known ones. */
function comparisonMembers(comparison: string): readonly Preset[] {
  const members = PRESETS.filter((p) => p.comparison === comparison);
  if (members.length === 0) {
    const known = [...new Set(PRESETS.map((p) => p.comparison))].join(', ');
    throw new HostError('not_found', `No preset comparison "${comparison}". Known: ${known}.`);
  }
  return members;
}

function specOrThrow(registry: ExperimentRegistry, input: unknown, prefix = 'spec'): RunSpec {
  const c = registry.check(input);
  // The registry's union is RunSpecSchema's (engine/experiments/registry.test.ts checks they match).
  if (c.ok) return c.spec as RunSpec;
  throw new HostError(
    'invalid_spec',
    `The run spec is invalid (${c.problems.length} problem${c.problems.length === 1 ? '' : 's'}): ` +
      c.problems.map((p) => `${p.path || '(spec)'}: ${p.message}`).join('; '),
    c.problems.map((p) => ({ path: p.path ? `${prefix}.${p.path}` : prefix, message: p.message })),
  );
}

/**
 * The queue's routing for a launch: local (undefined), or Slurm with its options checked first —
 * a missing sbatch, an unknown partition or an unwritable cluster folder is an error before any
 * run is stored.
 */
function executorFor(choice: ExecutorChoice | undefined, slurm: SlurmExecutor | null): LaunchMeta['executor'] {
  if (!choice || choice.kind === 'local') return undefined;
  if (!slurm) {
    throw new HostError('unavailable', "Slurm's `sbatch` is not on the PATH of the machine LR Lab runs on, so runs cannot go to a cluster from here. Run LR Lab on a login node (`lrlab serve` there, opened through `ssh -L`), or start a local test cluster with `npm run slurm:up`.");
  }
  const { kind: _kind, ...over } = choice;
  let settings;
  try {
    settings = slurm.check(over);
  } catch (e) {
    if (e instanceof SlurmError) throw new HostError('invalid_request', e.message);
    throw e;
  }
  return { name: 'slurm', prepare: (ids) => slurm.prepare(ids, settings) };
}

export function createTrainingService(
  store: RunStore,
  queue: RunQueue,
  hostBackend: () => Promise<string | null>,
  slurm: SlurmExecutor | null = null,
  registry: ExperimentRegistry = experiments,
): ApiServices['training'] {
  /** The backend a spec will run on: its own choice, else what this host found. */
  const backendFor = async (spec: AnySpec): Promise<string | null> => (spec.backend && spec.backend !== 'auto' ? spec.backend : await hostBackend());
  /** Refuses a spec whose training step cannot fit in its backend's memory. */
  const assertFits = async (spec: RunSpec): Promise<void> => {
    const backend = await backendFor(spec);
    if (!backend) return;
    const m = registry.memory(spec, backend);
    if (!m.fits) throw new HostError('unavailable', m.message, [{ path: 'spec.model', message: m.message }]);
  };
  return {
    async presets() {
      const order = (g: string) => PRESET_GROUPS.findIndex((x) => x.id === g);
      /** The memory check of each preset on the backend it would run on here (a machine without a GPU lists what it can run first). */
      const runsHere = async (spec: unknown): Promise<{ fits: boolean; backend: string; note: string } | undefined> => {
        try {
          const c = registry.check({ ...(spec as Record<string, unknown>), seed: 1 });
          if (!c.ok) return undefined;
          const backend = await backendFor(c.spec);
          if (!backend) return undefined;
          const m = registry.memory(c.spec, backend);
          return { fits: m.fits, backend, note: m.fits ? `fits on ${backend}` : m.message };
        } catch {
          return undefined;
        }
      };
      const sorted = [...PRESETS].sort((a, b) => order(a.group) - order(b.group));
      const checks = await Promise.all(sorted.map((p) => runsHere(p.spec)));
      return sorted.map((p, i) => ({
        name: p.name,
        group: p.group,
        groupTitle: PRESET_GROUPS.find((g) => g.id === p.group)?.title ?? p.group,
        title: p.title,
        description: p.description,
        condition: p.condition,
        comparison: p.comparison,
        spec: { ...p.spec } as Record<string, unknown>,
        ...(checks[i] ? { runsHere: checks[i] } : {}),
      }));
    },
    specSchema() {
      return registry.jsonSchema();
    },
    async validate({ spec }) {
      const c = registry.check(spec);
      if (!c.ok) return { ok: false, problems: [...c.problems], derived: [], resolved: null };
      const d = registry.describe(c.spec);
      const derived = [...d.derived];
      const problems: { path: string; message: string }[] = [];
      const backend = await backendFor(c.spec);
      if (backend) {
        const m = registry.memory(c.spec, backend);
        derived.push({ label: 'Peak memory (est.)', value: `${(m.bytes / 2 ** 30).toFixed(2)} GiB of ${(m.limitBytes / 2 ** 30).toFixed(1)}`, hint: `on ${backend}` });
        if (!m.fits) problems.push({ path: 'model', message: m.message });
      }
      // Finished runs of this kind, newest first, time the next one (see timeEstimate.ts).
      const finished = store.listRuns({ status: ['completed'], kind: [c.spec.kind], sortBy: 'createdAt', sortDir: 'desc', limit: 100 }).rows;
      derived.push(estimateTime(registry, c.spec, finished));
      // The registry's union is RunSpecSchema's (as in specOrThrow); a test-only kind travels as the object it is.
      return { ok: problems.length === 0, problems, derived, resolved: c.spec as RunSpec };
    },
    schedulePreview({ spec }) {
      return registry.describe(specOrThrow(registry, spec)).schedule;
    },
    async launch({ spec, seeds, preset, groupName, executor }) {
      const base = specOrThrow(registry, spec);
      await assertFits(base);
      const ex = executorFor(executor, slurm);
      const list = seeds ?? [base.seed];
      const specs = list.map((seed) => ({ ...base, seed, name: base.name && list.length > 1 ? `${base.name} s${seed}` : base.name }) as RunSpec);
      const groupId = list.length > 1 ? `g-${randomUUID().slice(0, 8)}` : null;
      const runIds = queue.launch(specs, { preset: preset ?? null, groupId, tags: groupName ? [groupName] : [], ...(ex ? { executor: ex } : {}) });
      return { runIds, groupId };
    },
    planComparison({ comparison, set }) {
      const members = comparisonMembers(comparison);
      const plan = planComparison(members, set);
      const kind = members[0]!.spec.kind;
      return {
        arms: plan.arms.map((a) => ({ preset: a.preset.name, condition: a.preset.condition, title: a.preset.title, changes: [...a.changes], notApplied: [...a.notApplied] })),
        refused: plan.nowhere.map((o) => ({ path: o.path, message: refusalReason(kind, comparison, o.path) })),
      };
    },
    async launchComparison({ comparison, seeds, set, executor }) {
      const members = comparisonMembers(comparison);
      // The plan the designer showed (training.planComparison): which edits each arm gets.
      const plan = planComparison(members, set);
      // An edit must apply to at least one arm: a misspelt path (`modle.width`) applies to none and
      // is refused as an unknown path, and a real one no arm has is refused, not silently dropped.
      if (plan.nowhere.length > 0) {
        applyOverrides({ ...members[0]!.spec } as Record<string, unknown>, plan.nowhere);
        throw new HostError('invalid_request', `${plan.nowhere.map((o) => `"${o.path}"`).join(', ')} ${appliesToNone(comparison)}`);
      }
      const groupBase = `cmp-${randomUUID().slice(0, 8)}`;
      const runIds: string[] = [];
      // Validate every condition before launching any, so a bad override launches nothing.
      const planned = plan.arms.map(({ preset: p, applied }) => {
        const base = { ...p.spec, seed: seeds[0] ?? 1 } as Record<string, unknown>;
        return { preset: p, spec: specOrThrow(registry, applyOverrides(base, applied), `set(${p.name})`) };
      });
      for (const { spec } of planned) await assertFits(spec);
      const ex = executorFor(executor, slurm);
      for (const { preset, spec } of planned) {
        const specs = seeds.map((seed) => ({ ...spec, seed, name: `${preset.name} s${seed}` }) as RunSpec);
        // One seed group per condition; the comparison id ties the three together as a tag.
        runIds.push(...queue.launch(specs, { preset: preset.name, groupId: `${groupBase}-${preset.condition}`, tags: [groupBase], ...(ex ? { executor: ex } : {}) }));
      }
      return { runIds, groupId: groupBase };
    },
    executors() {
      if (!slurm) return { slurm: null, reason: "Slurm's sbatch is not on this host's PATH." };
      try {
        const p = partitions();
        const s = slurm.settings;
        return {
          slurm: {
            partitions: p.names,
            defaultPartition: p.default,
            defaults: { partition: s.partition ?? null, time: s.time ?? null, gpus: s.gpus ?? null, maxParallel: s.maxParallel ?? null, requeue: s.requeue ?? null },
            clusterDir: s.clusterDir,
          },
          reason: null,
        };
      } catch (e) {
        return { slurm: null, reason: e instanceof Error ? e.message : String(e) };
      }
    },
    cancel({ id }) {
      queue.cancel(id);
      return { ok: true };
    },
    async resume({ id }) {
      await queue.resume(id);
      return { ok: true };
    },
    queue() {
      // A run handed to its executor is running even while its row still says queued (the
      // worker has not reported back yet): list each id once.
      const running = queue.runningIds();
      const queued = store
        .listRuns({ status: ['queued'], sortBy: 'createdAt', sortDir: 'asc', limit: 1000 })
        .rows.map((r) => r.id)
        .filter((id) => !running.includes(id));
      return { concurrency: queue.concurrency, running, queued, ownsQueue: queue.ownsQueue, note: queue.note };
    },
  };
}
