/**
 * Request and response schemas of every api method. The host validates each request with
 * these before it acts, so a renderer, a browser tab or a script can never hand it bad data.
 * Kept free of Node and tfjs imports: the renderer's typecheck reads this file.
 */
import { z } from 'zod';
import { RUN_STATUSES } from './statuses';
import { parseColumnId } from './columnIds';
// Types only (erased from every bundle): the run spec's static type is the engine registry's
// union of each kind's spec schema (engine/spec/runSpec.ts; eslint.config.js allows exactly this).
import type { RunSpec, RunSpecInput } from '../../engine/spec/runSpec';

// ---------------------------------------------------------------- shared pieces
/** The store's status list (storage/types.ts through ./statuses): one list in every layer. */
export const RunStatusSchema = z.enum(RUN_STATUSES);
export type { RunStatus, RunFinalStatus } from './statuses';

/** The store's RUN_ID_PATTERN (storage/runs.ts), which bundles and figures follow too; a test keeps them equal. */
export const RunIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'run ids are letters, digits, _ and -');
const IdReq = z.object({ id: RunIdSchema });
const IdsReq = z.object({ ids: z.array(RunIdSchema).min(1).max(10_000) });
const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

/**
 * A spec someone is still writing (the designer's form and JSON text): any object. Only the
 * methods whose job is to check a draft and report its problems take one (training.validate,
 * patches.preview).
 */
export const SpecDraftSchema = z.record(z.string(), z.unknown());

/**
 * A run spec as a client sends it to be run: statically the registry's RunSpec input type (a
 * misspelt field or a wrong type is a compile error in the caller; electron/api/contract.test.ts).
 * At the door (dispatch) it is only checked to be an object: the host validates it ONCE, strictly,
 * against the registry's union in the service that uses it (specOrThrow in
 * electron/main/services/training.ts), with every problem's dotted path. The registry is the
 * host's (a test may add a kind), so the static type cannot be the door's runtime check; what the
 * service receives is typed as the unchecked object it is.
 */
export const RunSpecInputSchema = SpecDraftSchema as unknown as z.ZodType<Record<string, unknown>, RunSpecInput>;
export type { RunSpec, RunSpecInput };

/** A spec the host has checked and filled defaults into (the registry's parsed RunSpec); an object on the wire. */
const CheckedSpecSchema = z.record(z.string(), z.unknown()) as unknown as z.ZodType<RunSpec, RunSpec>;

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
    /** Only these runs (with the other filters): which runs of a selection the current filter shows. */
    ids: z.array(z.string().max(200)).max(1000).optional(),
    status: z.array(RunStatusSchema).optional(),
    preset: z.array(z.string()).optional(),
    kind: z.array(z.string()).optional(),
    algorithm: z.array(z.string()).optional(),
    tag: z.array(z.string()).optional(),
    groupId: z.string().optional(),
    createdFrom: z.string().optional(),
    createdTo: z.string().optional(),
    deleted: z.enum(['exclude', 'include', 'only']).default('exclude'),
    /**
     * A column id (columnIds.ts): a run field (name, status, createdAt, durationS, …) or
     * `metric:<key>:last|min|max`. Parsed here, so the host receives the typed ColumnId.
     */
    sortBy: z
      .string()
      .max(1000)
      .default('createdAt')
      .transform((text, ctx) => {
        const r = parseColumnId(text);
        if (r.ok) return r.id;
        ctx.addIssue({ code: 'custom', message: r.message });
        return z.NEVER;
      }),
    sortDir: z.enum(['asc', 'desc']).default('desc'),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(100),
    metricKeys: z.array(z.string()).max(50).default([]),
  })
  .strict();
export type RunQuery = z.input<typeof RunQuerySchema>;

/** NaN, +Inf and −Inf cannot travel as JSON numbers: they travel as these strings. */
export const WireNumberSchema = z.union([z.number(), z.literal('NaN'), z.literal('Infinity'), z.literal('-Infinity')]);
export type WireNumber = z.infer<typeof WireNumberSchema>;

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
  /**
   * Whether the preset fits in memory on the backend it would run on here (the host's, for a
   * spec with backend `auto`), and why not. Absent when the host could not tell (no backend yet).
   */
  runsHere: z.object({ fits: z.boolean(), backend: z.string(), note: z.string() }).optional(),
});
export type PresetInfo = z.infer<typeof PresetInfoSchema>;

export const DerivedValueSchema = z.object({ label: z.string(), value: z.union([z.number(), z.string()]), unit: z.string().optional(), hint: z.string().optional() });

/** One arm of "Compare conditions" as the host will launch it (training.planComparison). */
export const ComparisonArmSchema = z.object({
  preset: z.string(),
  condition: z.string(),
  title: z.string(),
  /** The edits that change this arm's preset, in the order given. */
  changes: z.array(
    z.object({
      path: z.string(),
      /** The preset's value (absent: the preset leaves it to the default). */
      from: z.unknown(),
      to: z.unknown(),
      /** The arms' presets differ here: the edit overrides what the comparison varies. */
      overridesCondition: z.boolean(),
    }),
  ),
  /** Edits left out of this arm: its spec has no parent object for them (an anneal point for S). */
  notApplied: z.array(z.string()),
});
export type ComparisonArm = z.infer<typeof ComparisonArmSchema>;
export const ComparisonPlanSchema = z.object({
  arms: z.array(ComparisonArmSchema),
  /** Edits that apply to no arm: the launch refuses them, for the reason given. */
  refused: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type ComparisonPlanInfo = z.infer<typeof ComparisonPlanSchema>;

export const ValidationSchema = z.object({
  ok: z.boolean(),
  problems: z.array(z.object({ path: z.string(), message: z.string() })),
  /** Values derived from the spec (N from d and κ, stationary τ0, estimated steps and time, …). */
  derived: z.array(DerivedValueSchema),
  /** The spec with defaults filled in, when the registry's schema accepts it (what the designer launches). */
  resolved: CheckedSpecSchema.nullable(),
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
  axisLabel: z.string().optional(),
  unit: z.string().optional(),
  better: z.enum(['min', 'max']).optional(),
  family: z.string(),
  /** [lowest, highest] value it can take (null: unbounded that way), e.g. [0, 1] for accuracies. */
  bounds: z.tuple([z.number().nullable(), z.number().nullable()]).optional(),
});
export type MetricInfo = z.infer<typeof MetricInfoSchema>;

export const PaperLayoutSchema = z.object({
  name: z.string(),
  label: z.string(),
  panels: z.array(z.string()),
  xAxis: z.enum(['step', 'epoch', 'wall']),
  figure: z.enum(['curves', 'heatmap']).optional(),
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
  /** Views beyond the common ones: `patchPreview`, the spec has a patch the patch visualizer previews. */
  capabilities: z.object({ patchPreview: z.boolean() }),
});
export type KindInfo = z.infer<typeof KindInfoSchema>;
// ---------------------------------------------------------------- figures (comparison view and export)
/** Okabe–Ito (colour-blind safe, the default), a grey scale for print, or Tableau 10. */
export const FigurePaletteSchema = z.enum(['okabe-ito', 'tableau', 'grey']);

/** How a figure looks; lengths in inches and points, as a journal states them. */
export const FigureStyleSchema = z
  .object({
    /** single column 3.25 in, double column 6.75 in, or any width (custom). */
    widthIn: z.number().min(1).max(20).default(6.75),
    /** Height in inches; when absent, width / aspect. */
    heightIn: z.number().min(0.5).max(20).optional(),
    aspect: z.number().min(0.2).max(5).default(1.6),
    fontFamily: z.string().trim().min(1).max(100).default('Helvetica'),
    fontSizePt: z.number().min(4).max(24).default(8),
    lineWidthPt: z.number().min(0.25).max(6).default(1.25),
    legend: z.enum(['top', 'right', 'bottom', 'none']).default('top'),
    /** Titles and axis labels may use simple math: \\eta → η, \\sigma → σ, x_1 / x_{ab} subscripts. */
    title: z.string().max(200).default(''),
    xLabel: z.string().max(200).optional(),
    /** Per panel (metric key) → y label; default the metric's label. */
    yLabels: z.record(z.string(), z.string().max(200)).default({}),
    palette: FigurePaletteSchema.default('okabe-ito'),
  })
  .strict();
export type FigureStyle = z.output<typeof FigureStyleSchema>;

export const BandKindSchema = z.enum(['none', 'std', 'minmax', 'ci95']);
export type BandKind = z.infer<typeof BandKindSchema>;

/**
 * What a figure shows and how: runs (or a query for them), grouping, panels, axes, smoothing,
 * band and style. Stored in the store (figures.save) so it re-exports identically later.
 */
export const FigureSpecSchema = z
  .object({
    version: z.literal(1).default(1),
    /** The runs shown; or `query` (a tag, seed group, preset or text) resolved when drawn. */
    runs: z.array(RunIdSchema).min(1).max(200).optional(),
    query: z
      .object({ tag: z.string().max(200).optional(), groupId: z.string().max(200).optional(), preset: z.string().max(200).optional(), text: z.string().max(500).optional() })
      .strict()
      .optional(),
    /** `condition` (the run's condition/algorithm label), `run` (one line per run), or `spec:<dotted path>` (e.g. spec:optim.lr). */
    groupBy: z.string().regex(/^(condition|run|spec:[A-Za-z0-9_.]+)$/, 'groupBy is condition, run, or spec:<dotted.path>').default('condition'),
    /** One panel per metric key (small multiples), or all overlaid in one; absent = the runs' kind's default panels. */
    panels: z.array(z.string().min(1).max(200)).min(1).max(12).optional(),
    layout: z.enum(['grid', 'overlay']).default('grid'),
    x: z.enum(['step', 'epoch', 'wall']).default('step'),
    logX: z.boolean().default(false),
    logY: z.boolean().default(false),
    /** Debiased EMA weight (TensorBoard's), per run before aggregation; 0 = none. */
    smoothing: z.number().min(0).max(0.99).default(0),
    band: BandKindSchema.default('std'),
    /** Draw each seed faintly under its condition's mean. */
    showSeeds: z.boolean().default(false),
    /** Leave runs flagged collapsed out of their condition's band and mean. */
    excludeCollapsed: z.boolean().default(true),
    /** Runs left out by hand (still listed, marked excluded). */
    exclude: z.array(RunIdSchema).max(200).default([]),
    schedule: z.boolean().default(true),
    scheduleLog: z.boolean().default(false),
    /** A step range (zoom); absent = everything. */
    range: z.object({ from: z.number(), to: z.number() }).strict().optional(),
    /** Summary table: value at this x (in the figure's x unit), and two conditions for Welch's test. */
    summaryAt: z.number().nullable().default(null),
    compare: z.tuple([z.string(), z.string()]).nullable().default(null),
    style: FigureStyleSchema.default(() => FigureStyleSchema.parse({})),
  })
  .strict()
  .refine((s) => s.runs !== undefined || s.query !== undefined, { message: 'a figure needs `runs` (run ids) or a `query`', path: ['runs'] });
export type FigureSpec = z.output<typeof FigureSpecSchema>;
export type FigureSpecInput = z.input<typeof FigureSpecSchema>;

/**
 * A figure spec as a client sends it: statically FigureSpecSchema's input (a misspelt option is a
 * compile error in the caller); at the door only an object. The host parses it once with
 * FigureSpecSchema (parseFigureSpec, electron/main/figures/prepare.ts) and lists every problem;
 * figures.save stores it as given (defaults not filled in), once it parses.
 */
const FigureSpecInputSchema = z.record(z.string(), z.unknown()) as unknown as z.ZodType<Record<string, unknown>, FigureSpecInput>;

const Num = z.number().nullable();
export const FigureRunSchema = z.object({
  id: z.string(),
  name: z.string(),
  seed: z.number().nullable(),
  group: z.string(),
  status: RunStatusSchema,
  collapsed: z.boolean(),
  /** Left out of its group's band (collapsed with excludeCollapsed, or by hand). */
  excluded: z.boolean(),
});
export const FigureCurveSchema = z.object({
  group: z.string(),
  /** Runs that went into the aggregate. */
  n: z.number(),
  x: z.array(z.number()),
  mean: z.array(Num),
  /** Band lower/upper edges for the spec's band kind (null where n < 2 for std/ci). */
  lo: z.array(Num),
  hi: z.array(Num),
  nAt: z.array(z.number()),
  /** Each run's (smoothed) series and its raw one. */
  runs: z.array(z.object({ runId: z.string(), x: z.array(z.number()), y: z.array(Num), raw: z.array(Num) })),
});
export const FigurePanelSchema = z.object({
  key: z.string(),
  label: z.string(),
  curves: z.array(FigureCurveSchema),
  /** The values the metric can take (the kind's metric info), [lowest, highest], null: unbounded; a figure's y axis stays inside. */
  bounds: z.tuple([z.number().nullable(), z.number().nullable()]).optional(),
  /** Points shown vs. points stored (over all runs), so the view can say it is downsampled. */
  shownPoints: z.number(),
  storedPoints: z.number(),
});
export const SummaryCellSchema = z.object({ mean: Num, std: Num, n: z.number() });
export const FigureSummarySchema = z.object({
  rows: z.array(
    z.object({
      group: z.string(),
      key: z.string(),
      final: SummaryCellSchema,
      best: SummaryCellSchema,
      at: SummaryCellSchema.nullable(),
    }),
  ),
  /** Welch's test on the final values of two conditions, per metric. */
  tests: z.array(
    z.object({ key: z.string(), a: z.string(), b: z.string(), diff: Num, lo: Num, hi: Num, t: Num, df: Num, p: Num }),
  ),
  markdown: z.string(),
  latex: z.string(),
});
export const FigureDataSchema = z.object({
  spec: z.record(z.string(), z.unknown()),
  xLabel: z.string(),
  groups: z.array(z.object({ name: z.string(), color: z.string(), n: z.number(), annealAt: z.number().nullable(), collapsed: z.number() })),
  runs: z.array(FigureRunSchema),
  panels: z.array(FigurePanelSchema),
  schedule: z
    .array(z.object({ group: z.string(), x: z.array(z.number()), lr: z.array(z.number()), noise: z.array(z.number()) }))
    .nullable(),
  summary: FigureSummarySchema,
  /** What the view says about what it shows (runs missing, excluded, downsampled). */
  notes: z.array(z.string()),
  /** Whether any drawn curve holds fewer points than were stored for it (min/max buckets): a zoomed view is at full resolution only when false. */
  downsampled: z.boolean(),
  /** Every metric key the runs have (for the panel chooser). */
  availableKeys: z.array(z.string()),
});
export type FigureData = z.infer<typeof FigureDataSchema>;
export type FigurePanel = z.infer<typeof FigurePanelSchema>;
export type FigureCurve = z.infer<typeof FigureCurveSchema>;
export type FigureSummary = z.infer<typeof FigureSummarySchema>;
export const FigureFormatSchema = z.enum(['svg', 'pdf', 'png', 'csv']);
export type FigureFormat = z.infer<typeof FigureFormatSchema>;

// ---------------------------------------------------------------- patch visualizer
/**
 * A float32 tensor on the wire: its shape and its little-endian bytes in base64 (about 5.3
 * characters per value, where a JSON number list takes 10–20).
 */
export const Float32TensorSchema = z.object({
  shape: z.array(z.number().int().min(0)),
  base64: z.string(),
});
export type Float32Tensor = z.infer<typeof Float32TensorSchema>;

/** Most samples per class and kind the patch visualizer sends (engine PATCH_PREVIEW_LIMITS). */
export const PATCH_PREVIEW_MAX_PER_CLASS = 8;

/**
 * What the patch visualizer shows for an image spec and seed (engine/experiments/image/
 * patchPreview.ts): z and ζ_i, sample training inputs per class built by the trainer's own
 * batch code (epoch 1), and load statistics.
 */
export const PatchPreviewSchema = z.object({
  seed: z.number(),
  dataset: z.string(),
  /** The classes' names, in label order. */
  classNames: z.array(z.string()),
  geometry: z.object({ height: z.number(), width: z.number(), channels: z.number(), classes: z.number() }),
  /** Normalization (per channel), to show inputs as pixels: byte/255 = x·std + mean; empty without data. */
  mean: z.array(z.number()),
  std: z.array(z.number()),
  patch: z.object({
    size: z.number(),
    row: z.number(),
    col: z.number(),
    /** Shape [p, p, C]. */
    z: Float32TensorSchema,
    /** Shape [classes, p, p, C]. */
    zetas: Float32TensorSchema,
  }),
  /** One entry per image of `images`, in order: per class its mixed then its patch-only samples. */
  samples: z.array(
    z.object({
      kind: z.enum(['mixed', 'patch-only']),
      label: z.number(),
      /** 1-based step of epoch 1 whose batch holds it, and its position in that batch. */
      step: z.number(),
      position: z.number(),
      /** Index in the run's training set. */
      index: z.number(),
    }),
  ),
  /** Shape [samples, H, W, C]: the network's normalized inputs. */
  images: Float32TensorSchema,
  stats: z
    .object({
      trainImages: z.number(),
      patchedImages: z.number(),
      patchedFraction: z.number(),
      scannedLoads: z.number(),
      scannedSteps: z.number(),
      loads: z.object({ clean: z.number(), mixed: z.number(), patchOnly: z.number() }),
      patchOnlyFraction: z.number(),
      patchOnlyShare: z.number(),
      meanPatchNorm: z.number().nullable(),
      meanImageNorm: z.number(),
      patchToImageNorm: z.number().nullable(),
      zNorm: z.number(),
      meanZetaNorm: z.number(),
    })
    .nullable(),
  notes: z.array(z.string()),
});
export type PatchPreview = z.infer<typeof PatchPreviewSchema>;

// ---------------------------------------------------------------- the contract table
/** Every method: its request and response schema. Names are `service.method`. */
/** Where a launch trains: `local` (worker processes here) or `slurm` (one sbatch array; options over the settings file's defaults). */
export const ExecutorChoiceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }).strict(),
  z
    .object({
      kind: z.literal('slurm'),
      partition: z.string().min(1).max(200).optional(),
      time: z.string().min(1).max(50).optional(),
      gpus: z.number().int().min(0).max(64).optional(),
      account: z.string().min(1).max(200).optional(),
      qos: z.string().min(1).max(200).optional(),
      maxParallel: z.number().int().min(1).max(100_000).optional(),
      sbatchArgs: z.array(z.string().min(1).max(500)).max(50).optional(),
      clusterDir: z.string().min(1).max(4000).optional(),
      /** Resubmit a task Slurm ends (time limit, preemption, node failure) from its checkpoint, at most this many times. */
      requeue: z.number().int().min(0).max(100).optional(),
    })
    .strict(),
]);
export type ExecutorChoice = z.infer<typeof ExecutorChoiceSchema>;

export const ExecutorsSchema = z.object({
  /** null: no Slurm here (the reason says why). */
  slurm: z
    .object({
      partitions: z.array(z.string()),
      defaultPartition: z.string().nullable(),
      /** The settings file's defaults (lrlab-settings.json beside the store). */
      defaults: z.object({ partition: z.string().nullable(), time: z.string().nullable(), gpus: z.number().nullable(), maxParallel: z.number().nullable(), requeue: z.number().nullable().optional() }),
      clusterDir: z.string(),
    })
    .nullable(),
  reason: z.string().nullable(),
});
export type Executors = z.infer<typeof ExecutorsSchema>;

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
  'training.validate': { input: z.object({ spec: SpecDraftSchema }).strict(), output: ValidationSchema },
  'training.schedulePreview': { input: z.object({ spec: RunSpecInputSchema }).strict(), output: SchedulePreviewSchema },
  'training.launch': {
    input: z
      .object({
        spec: RunSpecInputSchema,
        /** Where the runs train: this machine (default) or Slurm, with its options. */
        executor: ExecutorChoiceSchema.optional(),
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
        executor: ExecutorChoiceSchema.optional(),
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
  /**
   * What `training.launchComparison` would launch with these edits, without launching: per arm,
   * the edits that change its preset and those left out of it (its spec has no parent for them),
   * and the edits the launch refuses (they apply to no arm). The designer shows this plan.
   */
  'training.planComparison': {
    input: z.object({ comparison: z.string().min(1), set: z.record(z.string(), z.unknown()).default({}) }).strict(),
    output: ComparisonPlanSchema,
  },
  'training.cancel': { input: IdReq, output: Ok },
  'training.resume': { input: IdReq, output: Ok },
  'training.queue': { input: Empty, output: QueueSchema },
  /** Where launches can train: Slurm is offered when the host has `sbatch` on its PATH. */
  'training.executors': { input: Empty, output: ExecutorsSchema },

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
    input: z.object({ id: RunIdSchema.optional(), name: z.string().trim().min(1).max(200), spec: FigureSpecInputSchema }).strict(),
    output: FigureSchema,
  },
  'figures.delete': { input: IdReq, output: Ok },
  'figures.get': { input: z.object({ id: z.string().min(1).max(64) }).strict(), output: FigureSchema },
  /** The data a comparison view or figure draws: grouped, smoothed, aggregated, with the summary table. */
  'figures.data': {
    input: z
      .object({
        spec: FigureSpecInputSchema,
        /**
         * For the screen: the most points per drawn curve of the whole range (about twice the
         * panel's pixel width); per-run arrays come only when seeds or raw curves are drawn.
         * Ignored for a zoomed range (read at full resolution) and absent for exports.
         */
        maxPoints: z.number().int().min(100).max(20_000).optional(),
      })
      .strict(),
    output: FigureDataSchema,
  },
  /** A figure rendered by the host (the same renderer as `lrlab figure`): SVG/CSV as text, PDF/PNG as base64. */
  'figures.render': {
    input: z.object({ spec: FigureSpecInputSchema, format: FigureFormatSchema, dpi: z.number().int().min(36).max(1200).default(300) }).strict(),
    output: z.object({ filename: z.string(), mime: z.string(), encoding: z.enum(['utf8', 'base64']), content: z.string() }),
  },
  /** Desktop window only: renders and writes the figure where the native save dialog says (null when cancelled). */
  'figures.saveAs': {
    input: z.object({ spec: FigureSpecInputSchema, format: FigureFormatSchema, dpi: z.number().int().min(36).max(1200).default(300) }).strict(),
    output: z.object({ path: z.string().nullable() }),
  },

  // patches: the patch visualizer (image experiments)
  /** z, ζ_i, sample inputs and load statistics for an image spec (seed: the spec's unless given). */
  'patches.preview': {
    input: z
      .object({
        /** The designer's draft too (the visualizer follows edits): the host reports its problems. */
        spec: SpecDraftSchema,
        seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
        perClass: z.number().int().min(1).max(PATCH_PREVIEW_MAX_PER_CLASS).default(2),
      })
      .strict(),
    output: PatchPreviewSchema,
  },
} as const;

/** Every event: its payload schema. Names follow `service.onDidX`. */
export const events = {
  'training.onDidProgress': ProgressSchema,
  'training.onDidChangeStatus': StatusChangeSchema,
  'runs.onDidChange': z.object({ runIds: z.array(z.string()).nullable(), reason: z.string() }),
  'datasets.onDidImportProgress': z.object({ id: z.string(), done: z.number(), total: z.number(), message: z.string() }),
} as const;
