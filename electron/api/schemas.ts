/**
 * Request and response schemas of every api method. The host validates each request with
 * these before it acts, so a renderer, a browser tab or a script can never hand it bad data.
 * Kept free of Node and tfjs imports: the renderer's typecheck reads this file.
 */
import { z } from 'zod';

// ---------------------------------------------------------------- shared pieces
export const RunStatusSchema = z.enum(['queued', 'running', 'completed', 'failed', 'diverged', 'stopped', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** The store's RUN_ID_PATTERN (storage/runs.ts), which bundles and figures follow too; a test keeps them equal. */
export const RunIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'run ids are letters, digits, _ and -');
const IdReq = z.object({ id: RunIdSchema });
const IdsReq = z.object({ ids: z.array(RunIdSchema).min(1).max(10_000) });
const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

/** A spec as the user wrote it; the host validates it against RunSpec and lists every problem. */
export const SpecInputSchema = z.record(z.string(), z.unknown());

export const BackendReportSchema = z.object({
  name: z.enum(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']),
  tfjsBackend: z.string(),
  package: z.string(),
  version: z.string(),
  threads: z.number(),
  simd: z.boolean().nullable(),
  forced: z.boolean(),
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
  summary: z.string(),
  /** webgpu only: the adapter Dawn trains on (null on other backends). */
  adapter: z
    .object({
      vendor: z.string(),
      architecture: z.string(),
      device: z.string(),
      description: z.string(),
      software: z.boolean(),
      driver: z.enum(['system', 'lrlab-lavapipe']),
      icd: z.string().nullable(),
      limits: z.record(z.string(), z.number()),
    })
    .nullable(),
});
export type BackendReportDto = z.infer<typeof BackendReportSchema>;

export const MetricSummarySchema = z.object({
  last: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  lastStep: z.number().nullable(),
});

export const RunSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  status: RunStatusSchema,
  kind: z.string(),
  preset: z.string().nullable(),
  algorithm: z.string().nullable(),
  seed: z.number().nullable(),
  groupId: z.string().nullable(),
  tags: z.array(z.string()),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  durationS: z.number().nullable(),
  backend: z.string().nullable(),
  /** Key hyperparameters for the table (η1, η2, d, m, …), flattened from the spec. */
  hparams: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  /** Summaries of the metric keys the query asked for (NaN arrives as null with `nan` set by the client). */
  metrics: z.record(z.string(), MetricSummarySchema),
  deleted: z.boolean(),
  error: z.string().nullable(),
  /**
   * The engine flagged the run as collapsed (training loss stuck at or fallen back to chance;
   * engine/experiments/collapse.ts). Its status may still be 'completed': show both.
   */
  collapsed: z.boolean().optional(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const RunEventSchema = z.object({
  kind: z.string(),
  step: z.number().nullable(),
  epoch: z.number().nullable(),
  at: z.string(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
});

export const RunDetailSchema = RunSummarySchema.extend({
  spec: z.record(z.string(), z.unknown()),
  notes: z.string(),
  provenance: z.record(z.string(), z.unknown()),
  events: z.array(RunEventSchema),
  checkpoints: z.array(z.object({ step: z.number(), epoch: z.number().nullable(), at: z.string(), bytes: z.number() })),
  metricKeys: z.array(z.string()),
});
export type RunDetail = z.infer<typeof RunDetailSchema>;

export const RunQuerySchema = z
  .object({
    text: z.string().max(500).optional(),
    status: z.array(RunStatusSchema).optional(),
    preset: z.array(z.string()).optional(),
    kind: z.array(z.string()).optional(),
    algorithm: z.array(z.string()).optional(),
    tag: z.array(z.string()).optional(),
    groupId: z.string().optional(),
    createdFrom: z.string().optional(),
    createdTo: z.string().optional(),
    deleted: z.enum(['exclude', 'include', 'only']).default('exclude'),
    /** A summary column (name, status, createdAt, durationS, …) or `metric:<key>:last|min|max`. */
    sortBy: z.string().default('createdAt'),
    sortDir: z.enum(['asc', 'desc']).default('desc'),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(100),
    metricKeys: z.array(z.string()).max(50).default([]),
  })
  .strict();
export type RunQuery = z.input<typeof RunQuerySchema>;

/** NaN, +Inf and −Inf cannot travel as JSON numbers: they travel as these strings. */
export const WireNumberSchema = z.union([z.number(), z.literal('NaN'), z.literal('Infinity'), z.literal('-Infinity')]);

export const SeriesSchema = z.object({
  runId: z.string(),
  key: z.string(),
  steps: z.array(z.number()),
  values: z.array(WireNumberSchema),
  /** Points in the store before downsampling. */
  totalPoints: z.number(),
});
export type Series = z.infer<typeof SeriesSchema>;

export const ProgressSchema = z.object({
  runId: z.string(),
  step: z.number(),
  totalSteps: z.number(),
  epoch: z.number().nullable(),
  totalEpochs: z.number().nullable(),
  values: z.record(z.string(), WireNumberSchema),
  stepsPerS: z.number().nullable(),
  etaS: z.number().nullable(),
  wallS: z.number(),
});
export type Progress = z.infer<typeof ProgressSchema>;

export const StatusChangeSchema = z.object({
  runId: z.string(),
  status: RunStatusSchema,
  error: z.string().nullable(),
});
export type StatusChange = z.infer<typeof StatusChangeSchema>;

export const PresetInfoSchema = z.object({
  name: z.string(),
  group: z.string(),
  /** The group's title for people; the host lists presets group by group, in display order. */
  groupTitle: z.string(),
  title: z.string(),
  description: z.string(),
  condition: z.string(),
  comparison: z.string(),
  spec: z.record(z.string(), z.unknown()),
});
export type PresetInfo = z.infer<typeof PresetInfoSchema>;

export const DerivedValueSchema = z.object({ label: z.string(), value: z.union([z.number(), z.string()]), unit: z.string().optional(), hint: z.string().optional() });

export const ValidationSchema = z.object({
  ok: z.boolean(),
  problems: z.array(z.object({ path: z.string(), message: z.string() })),
  /** Values derived from the spec (N from d and κ, stationary τ0, estimated steps and time, …). */
  derived: z.array(DerivedValueSchema),
  /** The spec with defaults filled in, when valid. */
  resolved: z.record(z.string(), z.unknown()).nullable(),
});
export type Validation = z.infer<typeof ValidationSchema>;

export const SchedulePreviewSchema = z.object({
  xUnit: z.enum(['step', 'epoch']),
  x: z.array(z.number()),
  lr: z.array(z.number()),
  noise: z.array(z.number()),
  /** Anneal position if known in advance; null for loss-threshold anneals (decided while training). */
  annealAt: z.number().nullable(),
  note: z.string().nullable(),
});
export type SchedulePreview = z.infer<typeof SchedulePreviewSchema>;

export const QueueSchema = z.object({
  concurrency: z.number(),
  running: z.array(z.string()),
  queued: z.array(z.string()),
  /** False when another process owns this store's queue. */
  ownsQueue: z.boolean(),
  note: z.string().nullable(),
});

export const DatasetInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  path: z.string().nullable(),
  found: z.boolean(),
  train: z.number().nullable(),
  test: z.number().nullable(),
  bytes: z.number().nullable(),
  checksum: z.string().nullable(),
  note: z.string().nullable(),
});
export type DatasetInfo = z.infer<typeof DatasetInfoSchema>;

export const SystemInfoSchema = z.object({
  appName: z.string(),
  appVersion: z.string(),
  mode: z.enum(['electron', 'browser', 'cli']),
  backend: BackendReportSchema.nullable(),
  backendError: z.string().nullable(),
  storePath: z.string(),
  dataDir: z.string(),
  /** The host's rotating log file (the window and `lrlab serve` write it; CLI commands log to stderr). */
  logFile: z.string(),
  node: z.string(),
  electron: z.string().nullable(),
  platform: z.string(),
  cpu: z.string(),
  cores: z.number(),
  gitCommit: z.string().nullable(),
});
export type SystemInfo = z.infer<typeof SystemInfoSchema>;

export const FigureSchema = z.object({
  id: z.string(),
  name: z.string(),
  spec: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Figure = z.infer<typeof FigureSchema>;

/** One field of a kind's spec as the designer and the run table show it (engine FieldMeta). */
export const FieldInfoSchema = z.object({
  path: z.string(),
  label: z.string(),
  unit: z.string().optional(),
  help: z.string().optional(),
  hyperparameter: z.boolean(),
  condition: z.boolean(),
});
export type FieldInfo = z.infer<typeof FieldInfoSchema>;

export const MetricInfoSchema = z.object({
  key: z.string(),
  label: z.string(),
  unit: z.string().optional(),
  better: z.enum(['min', 'max']).optional(),
  family: z.string(),
});
export type MetricInfo = z.infer<typeof MetricInfoSchema>;

export const PaperLayoutSchema = z.object({
  name: z.string(),
  label: z.string(),
  panels: z.array(z.string()),
  xAxis: z.enum(['step', 'epoch', 'wall']),
  description: z.string(),
});
export type PaperLayout = z.infer<typeof PaperLayoutSchema>;

/**
 * What an experiment kind is, as clients need it (engine/experiments/registry.ts): its fields,
 * condition labels, metric keys with labels, the run browser's default metric columns (metric
 * keys), the comparison view's default panels (metric keys) and the paper's figure layouts.
 * The renderer names no kind, condition or metric key itself: it reads them from here.
 */
export const KindInfoSchema = z.object({
  kind: z.string(),
  label: z.string(),
  fields: z.array(FieldInfoSchema),
  conditions: z.array(z.string()),
  metrics: z.array(MetricInfoSchema),
  defaultColumns: z.array(z.string()),
  defaultPanels: z.array(z.string()),
  layouts: z.array(PaperLayoutSchema),
});
export type KindInfo = z.infer<typeof KindInfoSchema>;

// ---------------------------------------------------------------- the contract table
/** Every method: its request and response schema. Names are `service.method`. */
export const methods = {
  // system: what is this host, which engine backend runs, where data lives
  'system.info': { input: Empty, output: SystemInfoSchema },

  // runs: the store, read and curated
  'runs.list': { input: RunQuerySchema, output: z.object({ total: z.number(), rows: z.array(RunSummarySchema) }) },
  'runs.get': { input: IdReq, output: RunDetailSchema },
  'runs.series': {
    input: z
      .object({
        runIds: z.array(RunIdSchema).min(1).max(200),
        keys: z.array(z.string().min(1)).min(1).max(50),
        maxPoints: z.number().int().min(10).max(1_000_000).optional(),
        method: z.enum(['lttb', 'minmax']).default('minmax'),
        fromStep: z.number().optional(),
        toStep: z.number().optional(),
      })
      .strict(),
    output: z.object({ series: z.array(SeriesSchema) }),
  },
  'runs.aggregate': {
    input: z
      .object({ runIds: z.array(RunIdSchema).min(1).max(1000), key: z.string().min(1), maxPoints: z.number().int().min(10).max(100_000).optional() })
      .strict(),
    output: z.object({
      key: z.string(),
      steps: z.array(z.number()),
      mean: z.array(WireNumberSchema),
      std: z.array(WireNumberSchema),
      min: z.array(WireNumberSchema),
      max: z.array(WireNumberSchema),
      n: z.array(z.number()),
    }),
  },
  'runs.rename': { input: z.object({ id: RunIdSchema, name: z.string().trim().min(1).max(200) }).strict(), output: Ok },
  'runs.setNotes': { input: z.object({ id: RunIdSchema, notes: z.string().max(100_000) }).strict(), output: Ok },
  'runs.setTags': {
    input: z.object({ id: RunIdSchema, tags: z.array(z.string().trim().min(1).max(64)).max(100) }).strict(),
    output: Ok,
  },
  'runs.tags': { input: Empty, output: z.array(z.object({ tag: z.string(), count: z.number() })) },
  'runs.delete': { input: IdsReq, output: Ok },
  'runs.restore': { input: IdsReq, output: Ok },
  'runs.purge': { input: IdsReq, output: Ok },
  'runs.export': {
    input: z.object({ ids: z.array(RunIdSchema).min(1).max(10_000), format: z.enum(['json', 'csv']).default('json') }).strict(),
    output: z.object({ filename: z.string(), mime: z.string(), content: z.string() }),
  },
  'runs.import': {
    input: z.object({ content: z.string().min(1).max(512 * 1024 * 1024), overwrite: z.boolean().default(false) }).strict(),
    output: z.object({ imported: z.array(z.string()) }),
  },

  // experiments: the experiment kinds this host can run (fields, conditions, metrics, defaults)
  'experiments.kinds': { input: Empty, output: z.array(KindInfoSchema) },

  // training: design, launch, watch, stop, resume
  'training.presets': { input: Empty, output: z.array(PresetInfoSchema) },
  'training.specSchema': { input: Empty, output: z.record(z.string(), z.unknown()) },
  'training.validate': { input: z.object({ spec: SpecInputSchema }).strict(), output: ValidationSchema },
  'training.schedulePreview': { input: z.object({ spec: SpecInputSchema }).strict(), output: SchedulePreviewSchema },
  'training.launch': {
    input: z
      .object({
        spec: SpecInputSchema,
        /** Seeds to run (a seed group when more than one); default: the spec's own seed. */
        seeds: z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).max(100).optional(),
        preset: z.string().optional(),
        groupName: z.string().max(200).optional(),
      })
      .strict(),
    output: z.object({ runIds: z.array(z.string()), groupId: z.string().nullable() }),
  },
  'training.launchComparison': {
    input: z
      .object({
        /** A preset comparison id (e.g. `toy`, `patch-fmnist`): its three conditions are launched. */
        comparison: z.string().min(1),
        seeds: z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).max(100),
        /** Overrides applied to all three conditions (dotted path → value). */
        set: z.record(z.string(), z.unknown()).default({}),
      })
      .strict(),
    /**
     * `groupId` names the whole comparison: every run carries it as a tag (list them with
     * `runs.list({ tag: [groupId] })`), and each condition's seeds form their own seed group
     * `<groupId>-<condition>` (for seed aggregates).
     */
    output: z.object({ runIds: z.array(z.string()), groupId: z.string() }),
  },
  'training.cancel': { input: IdReq, output: Ok },
  'training.resume': { input: IdReq, output: Ok },
  'training.queue': { input: Empty, output: QueueSchema },

  // datasets: what is on this machine
  'datasets.list': { input: Empty, output: z.array(DatasetInfoSchema) },
  'datasets.importCifar10': {
    input: z
      .object({
        /** cifar-10-binary.tar.gz, or the folder with data_batch_1..5.bin and test_batch.bin. */
        path: z.string().min(1),
        /** Refuse an archive whose MD5 differs from the official release (default). */
        verifyChecksum: z.boolean().default(true),
      })
      .strict(),
    output: DatasetInfoSchema,
  },

  // figures: saved figure specs
  'figures.list': { input: Empty, output: z.array(FigureSchema) },
  'figures.save': {
    // The same id rule as runs (figures.delete takes IdReq): a saved id can always be deleted.
    input: z.object({ id: RunIdSchema.optional(), name: z.string().trim().min(1).max(200), spec: z.record(z.string(), z.unknown()) }).strict(),
    output: FigureSchema,
  },
  'figures.delete': { input: IdReq, output: Ok },
} as const;

/** Every event: its payload schema. Names follow `service.onDidX`. */
export const events = {
  'training.onDidProgress': ProgressSchema,
  'training.onDidChangeStatus': StatusChangeSchema,
  'runs.onDidChange': z.object({ runIds: z.array(z.string()).nullable(), reason: z.string() }),
  'datasets.onDidImportProgress': z.object({ id: z.string(), done: z.number(), total: z.number(), message: z.string() }),
} as const;
