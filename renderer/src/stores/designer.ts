/**
 * The run designer's state: the spec being edited (one JSON document), the schema its form is
 * generated from, presets, live validation from the host (debounced), the schedule preview,
 * and the launch actions. The host is reached only through `useApi()`.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ComparisonPlanInfo, ExecutorChoice, Executors, PresetInfo, RunSummary, SchedulePreview, Validation } from '@api/index';
import { useApi } from '../api';
import type { JsonSchema, Path, SpecValue } from '../lib/schemaForm';
import { checkSpec, initialValue, isRecord, jsonClone, schemaForSpec, setAt, specOverrides, switchVariant } from '../lib/schemaForm';
import { browserStorage, type ChoiceStorage } from './storage';
import { errorText } from '../lib/format';

export type SpecSource =
  | { readonly type: 'preset'; readonly name: string; readonly title: string }
  | { readonly type: 'run'; readonly id: string; readonly name: string; readonly preset: string | null }
  | { readonly type: 'user'; readonly name: string }
  | { readonly type: 'blank'; readonly kind: string }
  | { readonly type: 'json' };

export interface UserPreset {
  readonly name: string;
  readonly spec: SpecValue;
  readonly savedAt: string;
}

const USER_PRESETS_KEY = 'lrlab.userPresets';

/** Where user presets live; tests pass their own (see stores/storage.ts). */
export type PresetStorage = ChoiceStorage;

export const useDesignerStore = defineStore('designer', () => {
  const schema = shallowRef<JsonSchema | null>(null);
  const presets = shallowRef<PresetInfo[]>([]);
  const loadError = ref<string | null>(null);
  const loading = ref(false);

  const spec = shallowRef<SpecValue>({});
  const source = ref<SpecSource | null>(null);
  const jsonText = ref('{}');
  const jsonError = ref<string | null>(null);

  const validation = shallowRef<Validation | null>(null);
  /** Derived values of the last spec the host accepted, kept on screen while the current one has problems. */
  const lastDerived = shallowRef<Validation['derived']>([]);
  const validationError = ref<string | null>(null);
  const pending = ref(false);
  const preview = shallowRef<SchedulePreview | null>(null);
  const previewError = ref<string | null>(null);

  const seedCount = ref(1);
  const launching = ref(false);
  const launchError = ref<string | null>(null);

  /** Where launches can train (Slurm when the host has sbatch), and the choice with its options. */
  const executors = shallowRef<Executors | null>(null);
  const runOn = ref<'local' | 'slurm'>('local');
  const slurmOptions = ref<{ partition: string; time: string; gpus: number | null; maxParallel: number | null; requeue: number | null }>({ partition: '', time: '', gpus: null, maxParallel: null, requeue: null });

  async function loadExecutors(): Promise<void> {
    try {
      const e = await useApi().training.executors({});
      executors.value = e;
      const s = e.slurm;
      if (s) slurmOptions.value = { partition: s.defaults.partition ?? '', time: s.defaults.time ?? '', gpus: s.defaults.gpus, maxParallel: s.defaults.maxParallel, requeue: s.defaults.requeue ?? null };
    } catch {
      executors.value = null; // an older host: this machine only
    }
  }

  /** The launch's executor: undefined for this machine. */
  const executorChoice = computed<ExecutorChoice | undefined>(() => {
    if (runOn.value !== 'slurm' || !executors.value?.slurm) return undefined;
    const o = slurmOptions.value;
    return {
      kind: 'slurm',
      ...(o.partition ? { partition: o.partition } : {}),
      ...(o.time.trim() ? { time: o.time.trim() } : {}),
      ...(typeof o.gpus === 'number' && o.gpus > 0 ? { gpus: o.gpus } : {}),
      ...(typeof o.maxParallel === 'number' && o.maxParallel > 0 ? { maxParallel: o.maxParallel } : {}),
      ...(typeof o.requeue === 'number' && Number.isInteger(o.requeue) && o.requeue >= 0 ? { requeue: o.requeue } : {}),
    };
  });

  const userPresets = ref<UserPreset[]>([]);
  /** The latest runs, to start an edit-and-re-run from without leaving the designer. */
  const recentRuns = shallowRef<RunSummary[]>([]);
  let storage: PresetStorage | null = browserStorage();

  /** Milliseconds of quiet typing before the host validates; 0 in tests. */
  const validateDelayMs = ref(250);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let seq = 0;

  const derived = computed(() => (validation.value && (validation.value.ok || validation.value.derived.length > 0) ? validation.value.derived : lastDerived.value));
  const derivedStale = computed(() => validation.value !== null && !validation.value.ok && validation.value.derived.length === 0 && lastDerived.value.length > 0);
  const hasSpec = computed(() => Object.keys(spec.value).length > 0);
  const kindSchema = computed<JsonSchema | null>(() => (schema.value && hasSpec.value ? schemaForSpec(schema.value, spec.value) : null));
  const kinds = computed<string[]>(() => {
    const root = schema.value;
    const alts = root?.oneOf ?? root?.anyOf ?? [];
    return alts.map((a) => a.properties?.kind?.const).filter((k): k is string => typeof k === 'string');
  });

  const localProblems = computed(() => (schema.value && hasSpec.value ? checkSpec(schema.value, spec.value) : new Map<string, string>()));
  /** Every problem by dotted path: the immediate checks first, then what the host found. */
  const problems = computed(() => {
    const out = new Map(localProblems.value);
    if (!pending.value) for (const p of validation.value?.problems ?? []) if (!out.has(p.path)) out.set(p.path, p.message);
    return out;
  });

  const presetGroups = computed(() => {
    // The host lists presets group by group, in display order, each with its group's title.
    const groups: { id: string; title: string; presets: PresetInfo[] }[] = [];
    for (const p of presets.value) {
      let g = groups.find((x) => x.id === p.group);
      if (!g) groups.push((g = { id: p.group, title: p.groupTitle, presets: [] }));
      g.presets.push(p);
    }
    // What this machine can run comes first (a machine without a GPU cannot fit the paper's
    // WRN presets): within a group, and groups with nothing that fits go last. Stable otherwise.
    const fits = (p: PresetInfo): number => (p.runsHere && !p.runsHere.fits ? 1 : 0);
    for (const g of groups) g.presets = g.presets.map((p, i) => ({ p, i })).sort((a, b) => fits(a.p) - fits(b.p) || a.i - b.i).map((x) => x.p);
    const none = (g: { presets: PresetInfo[] }): number => (g.presets.length > 0 && g.presets.every((p) => fits(p) === 1) ? 1 : 0);
    return groups.map((g, i) => ({ g, i })).sort((a, b) => none(a.g) - none(b.g) || a.i - b.i).map((x) => x.g);
  });

  const currentPreset = computed(() => {
    const s = source.value;
    return s?.type === 'preset' ? (presets.value.find((p) => p.name === s.name) ?? null) : null;
  });

  const seeds = computed<number[]>(() => {
    const base = typeof spec.value.seed === 'number' && Number.isInteger(spec.value.seed) ? spec.value.seed : 0;
    const n = Math.max(1, Math.min(100, Math.floor(seedCount.value) || 1));
    return Array.from({ length: n }, (_, i) => base + i);
  });

  /**
   * The current spec as the host accepted it (defaults filled in; a typed RunSpec), or null while
   * it is unchecked or has problems. The draft is any object the form or the JSON text made; only
   * what the host's check returned is launched, so the api's RunSpec type holds without a cast.
   */
  const accepted = computed(() => (!pending.value && validation.value?.ok ? validation.value.resolved : null));

  /** Why the launch button is disabled, in words; empty when it may launch. */
  const blockers = computed<string[]>(() => {
    const out: string[] = [];
    if (!schema.value) out.push(loadError.value ? 'The spec schema could not be loaded' : 'Loading the spec schema…');
    if (!hasSpec.value) out.push('Pick a preset, a past run or a blank spec first');
    if (jsonError.value) out.push(`The JSON does not parse: ${jsonError.value}`);
    const p = problems.value;
    if (p.size > 0) {
      const [first] = p;
      out.push(`${p.size} problem${p.size === 1 ? '' : 's'} to fix${first ? ` — ${first[0] || 'spec'}: ${first[1]}` : ''}`);
    }
    if (p.size === 0 && pending.value) out.push('Checking the spec…');
    else if (p.size === 0 && hasSpec.value && !validationError.value && !accepted.value) out.push('The host has not accepted the spec yet');
    if (validationError.value) out.push(`The host could not check the spec: ${validationError.value}`);
    if (launching.value) out.push('Launching…');
    return out;
  });

  function setStorage(s: PresetStorage | null): void {
    storage = s;
    loadUserPresets();
  }

  function loadUserPresets(): void {
    try {
      const raw = storage?.getItem(USER_PRESETS_KEY);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      userPresets.value = Array.isArray(parsed) ? (parsed as UserPreset[]).filter((p) => typeof p?.name === 'string' && isRecord(p.spec)) : [];
    } catch {
      userPresets.value = [];
    }
  }

  async function init(): Promise<void> {
    if (schema.value || loading.value) return;
    loading.value = true;
    loadError.value = null;
    loadUserPresets();
    try {
      const api = useApi();
      const [s, p] = await Promise.all([api.training.specSchema({}), api.training.presets({})]);
      schema.value = s as JsonSchema;
      presets.value = p;
      if (hasSpec.value) scheduleValidate();
      void loadExecutors();
    } catch (e) {
      loadError.value = errorText(e);
    } finally {
      loading.value = false;
    }
  }

  /** The spec as its source gave it (or as last launched): edits since then are unsaved. */
  const baseline = ref('{}');
  const dirty = computed(() => hasSpec.value && JSON.stringify(spec.value) !== baseline.value);
  function markClean(): void {
    baseline.value = JSON.stringify(spec.value);
  }

  function replaceSpec(next: SpecValue, from: SpecSource | null, syncJson = true, fresh = false): void {
    spec.value = next;
    if (fresh) baseline.value = JSON.stringify(next);
    launchError.value = null;
    if (from) source.value = from;
    if (syncJson) {
      jsonText.value = JSON.stringify(next, null, 2);
      jsonError.value = null;
    }
    scheduleValidate();
  }

  const currentSeed = (): number => (typeof spec.value.seed === 'number' ? spec.value.seed : 0);

  function loadPreset(name: string): void {
    const p = presets.value.find((x) => x.name === name);
    if (!p) return;
    replaceSpec({ ...jsonClone(p.spec), seed: currentSeed() }, { type: 'preset', name: p.name, title: p.title }, true, true);
  }

  function loadBlank(kind: string): void {
    const root = schema.value;
    if (!root) return;
    const s = schemaForSpec(root, { kind });
    const v = initialValue(s, root);
    replaceSpec({ ...(isRecord(v) ? v : {}), kind, seed: currentSeed() }, { type: 'blank', kind }, true, true);
  }

  async function loadRun(id: string): Promise<void> {
    try {
      const run = await useApi().runs.get({ id });
      replaceSpec(jsonClone(run.spec), { type: 'run', id: run.id, name: run.name, preset: run.preset }, true, true);
    } catch (e) {
      loadError.value = `Could not open run ${id} for re-run: ${errorText(e)}`;
    }
  }

  async function loadRecentRuns(): Promise<void> {
    try {
      recentRuns.value = (await useApi().runs.list({ limit: 8, sortBy: 'createdAt', sortDir: 'desc' })).rows;
    } catch {
      recentRuns.value = [];
    }
  }

  function setField(path: Path, value: unknown): void {
    replaceSpec(setAt(spec.value, path, value), null);
  }

  function setVariant(path: Path, unionSchema: JsonSchema, tag: unknown): void {
    const root = schema.value;
    if (!root) return;
    replaceSpec(switchVariant(spec.value, path, unionSchema, tag, root), null);
  }

  /** The JSON view: a text that parses to an object replaces the spec; anything else is flagged. */
  function setJson(text: string): void {
    jsonText.value = text;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isRecord(parsed)) throw new Error('the spec must be a JSON object');
      jsonError.value = null;
      replaceSpec(parsed, source.value ?? { type: 'json' }, false);
    } catch (e) {
      jsonError.value = e instanceof Error ? e.message : String(e);
    }
  }

  function scheduleValidate(): void {
    pending.value = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void validateNow(), validateDelayMs.value);
  }

  /** Asks the host to validate the current spec (and, when valid, for its schedule preview). */
  async function validateNow(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const mine = ++seq;
    const current = spec.value;
    pending.value = true;
    try {
      const api = useApi();
      const v = await api.training.validate({ spec: current });
      if (mine !== seq) return;
      validation.value = v;
      validationError.value = null;
      if (v.ok || v.derived.length > 0) lastDerived.value = v.derived;
      if (v.ok && v.resolved) {
        try {
          // The spec the host just accepted (typed RunSpec): the preview is of what would train.
          const p = await api.training.schedulePreview({ spec: v.resolved });
          if (mine !== seq) return;
          preview.value = p;
          previewError.value = null;
        } catch (e) {
          if (mine === seq) previewError.value = errorText(e);
        }
      }
    } catch (e) {
      if (mine === seq) validationError.value = errorText(e);
    } finally {
      if (mine === seq) pending.value = false;
    }
  }

  /** Sends a launch: `launching` while it is under way, its error in `launchError`, the spec clean once it is launched. */
  async function sendLaunch<T>(send: () => Promise<T>): Promise<T | null> {
    launching.value = true;
    launchError.value = null;
    try {
      const r = await send();
      markClean();
      return r;
    } catch (e) {
      launchError.value = errorText(e);
      return null;
    } finally {
      launching.value = false;
    }
  }

  async function launch(): Promise<{ runIds: string[]; groupId: string | null } | null> {
    if (blockers.value.length > 0) return null;
    const checked = accepted.value;
    if (!checked) return null;
    // A re-run keeps the preset its run came from, so filters by preset still find it.
    const s = source.value;
    const preset = currentPreset.value?.name ?? (s?.type === 'run' ? (s.preset ?? undefined) : undefined);
    const executor = executorChoice.value;
    return sendLaunch(() => useApi().training.launch({ spec: checked, seeds: seeds.value, ...(preset ? { preset } : {}), ...(executor ? { executor } : {}) }));
  }

  /** Overrides the comparison would apply to all three conditions: what was edited outside the algorithm. */
  const comparisonOverrides = computed<Record<string, unknown>>(() => {
    const p = currentPreset.value;
    return p ? specOverrides(p.spec, spec.value, ['algorithm', 'seed', 'name', 'kind']) : {};
  });

  /**
   * What "Compare conditions" would launch with the current edits, arm by arm, as the host plans
   * it (training.planComparison): the designer shows the host's own plan, not a copy of its rules.
   */
  const comparisonPlan = shallowRef<ComparisonPlanInfo | null>(null);
  const comparisonPlanError = ref<string | null>(null);
  const comparisonPlanPending = ref(false);
  let planSeq = 0;
  async function planComparison(): Promise<void> {
    const p = currentPreset.value;
    const mine = ++planSeq;
    if (!p) {
      comparisonPlan.value = null;
      comparisonPlanPending.value = false;
      return;
    }
    comparisonPlanPending.value = true;
    try {
      const r = await useApi().training.planComparison({ comparison: p.comparison, set: comparisonOverrides.value });
      if (mine !== planSeq) return;
      comparisonPlan.value = r;
      comparisonPlanError.value = null;
    } catch (e) {
      if (mine !== planSeq) return;
      comparisonPlan.value = null;
      comparisonPlanError.value = errorText(e);
    } finally {
      if (mine === planSeq) comparisonPlanPending.value = false;
    }
  }

  async function launchComparison(): Promise<{ runIds: string[]; groupId: string } | null> {
    const p = currentPreset.value;
    if (!p) {
      launchError.value = 'Compare conditions starts from a preset: pick one first.';
      return null;
    }
    const executor = executorChoice.value;
    return sendLaunch(() => useApi().training.launchComparison({ comparison: p.comparison, seeds: seeds.value, set: comparisonOverrides.value, ...(executor ? { executor } : {}) }));
  }

  function saveUserPreset(name: string): boolean {
    const n = name.trim();
    if (!n || !hasSpec.value) return false;
    const entry: UserPreset = { name: n, spec: jsonClone(spec.value), savedAt: new Date().toISOString() };
    userPresets.value = [...userPresets.value.filter((p) => p.name !== n), entry].sort((a, b) => a.name.localeCompare(b.name));
    storage?.setItem(USER_PRESETS_KEY, JSON.stringify(userPresets.value));
    source.value = { type: 'user', name: n };
    return true;
  }

  function loadUserPreset(name: string): void {
    const p = userPresets.value.find((x) => x.name === name);
    if (p) replaceSpec(jsonClone(p.spec), { type: 'user', name: p.name }, true, true);
  }

  function deleteUserPreset(name: string): void {
    userPresets.value = userPresets.value.filter((p) => p.name !== name);
    storage?.setItem(USER_PRESETS_KEY, JSON.stringify(userPresets.value));
  }

  return {
    schema,
    presets,
    presetGroups,
    loadError,
    loading,
    spec,
    source,
    jsonText,
    jsonError,
    validation,
    validationError,
    derived,
    derivedStale,
    pending,
    preview,
    previewError,
    seedCount,
    seeds,
    launching,
    launchError,
    executors,
    runOn,
    slurmOptions,
    executorChoice,
    loadExecutors,
    userPresets,
    recentRuns,
    loadRecentRuns,
    validateDelayMs,
    hasSpec,
    kinds,
    kindSchema,
    localProblems,
    problems,
    currentPreset,
    blockers,
    comparisonOverrides,
    comparisonPlan,
    comparisonPlanError,
    comparisonPlanPending,
    planComparison,
    dirty,
    scheduleValidate,
    setStorage,
    init,
    loadPreset,
    loadBlank,
    loadRun,
    setField,
    setVariant,
    setJson,
    validateNow,
    launch,
    launchComparison,
    saveUserPreset,
    loadUserPreset,
    deleteUserPreset,
  };
});
