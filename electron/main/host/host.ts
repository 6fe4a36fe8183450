/**
 * One host, three doors: the Electron main process, `lrlab serve` and the CLI all build
 * their services here, so every door runs the same code against the same store.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ApiServices } from '../../api/contract';
import type { SystemInfo } from '../../api/schemas';
import { requestedBackend, type BackendName } from '../../../engine/backend';
import { openStore, StoreError, type RunStore } from '../../../storage';
import { createDispatch, type Dispatch } from './dispatch';
import { HostEvents } from './events';
import { defaultDataDir, resolveStorePath } from './paths';
import { createHostLog, logFilePath } from './log';
import { createSystemService, probeBackend, type BackendProbe } from '../services/system';
import { createRunsService } from '../services/runs';
import { createTrainingService } from '../services/training';
import { createDatasetsService } from '../services/datasets';
import { createExperimentsService } from '../services/experiments';
import { createPatchesService } from '../services/patches';
import { experiments, type ExperimentRegistry } from '../../../engine/experiments/registry';
import { createFiguresService, type SaveDialog } from '../services/figures';
import { RunQueue } from '../training/queue';
import { defaultConcurrency, LocalExecutor } from '../training/localExecutor';
import { SlurmExecutor } from '../cluster/slurmExecutor';
import { defaultClusterDir, readSlurmSettings, sbatchOnPath, type SlurmSettings } from '../cluster/slurm';

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface HostOptions {
  readonly mode: SystemInfo['mode'];
  /** Run store file; default: the per-user data folder's runs.sqlite. */
  readonly storePath?: string | undefined;
  /** Force an engine backend (`--backend`, LRLAB_BACKEND). */
  readonly backend?: string | null | undefined;
  /** Start queued runs (the window and browser mode do; one-shot CLI commands do not). */
  readonly runQueue?: boolean;
  readonly concurrency?: number;
  readonly stopGraceMs?: number;
  readonly log?: (line: string) => void;
  /** better-sqlite3 addon built for this runtime's ABI (Electron). */
  readonly nativeBinding?: string;
  /** The experiment kinds this host knows; default the engine's registry (tests add a fake kind). */
  readonly registry?: ExperimentRegistry;
  /** The desktop window's native save dialog, for figure export (absent in browser mode and the CLI). */
  readonly saveDialog?: SaveDialog;
  /**
   * Slurm: options over the settings file's defaults (lrlab-settings.json beside the store).
   * The Slurm executor exists when these are given or `sbatch` is on the PATH; false: never.
   */
  readonly slurm?: (SlurmSettings & { readonly clusterDir?: string }) | false;
  /**
   * Open the store for reading only (`lrlab list`, `show`, `info`): nothing is written, so these
   * work on a full disk and on a read-only store. Writing api calls then fail `unwritable`.
   */
  readonly readOnly?: boolean;
}

export interface Host {
  readonly services: ApiServices;
  readonly dispatch: Dispatch;
  readonly events: HostEvents;
  readonly store: RunStore;
  readonly queue: RunQueue;
  readonly storePath: string;
  readonly backendName: BackendName | null;
  /** The Slurm executor, when this host can submit to Slurm. */
  readonly slurm: SlurmExecutor | null;
  /** Closes the queue (running runs become interrupted, with `reason` as their error) and the store. */
  close(reason?: string): Promise<void>;
}

export async function createHost(options: HostOptions): Promise<Host> {
  // The window and `lrlab serve` keep a rotating log file in the data folder (an app started
  // from an icon has no terminal); one-shot CLI commands log to stderr, which the user sees.
  const logFile = logFilePath(defaultDataDir());
  const fileLog = !options.log && options.mode !== 'cli' ? createHostLog(defaultDataDir(), { base: { mode: options.mode } }) : null;
  const log = options.log ?? fileLog ?? ((line: string) => console.error(line));
  if (fileLog?.file) log(`LR Lab ${options.mode} host started (pid ${process.pid}); this log: ${fileLog.file}`);
  const storePath = resolveStorePath(options.storePath ?? undefined);
  const backendName = requestedBackend(options.backend ?? null);
  const events = new HostEvents();
  const registry = options.registry ?? experiments;
  const dataDir = dirname(storePath);
  // Imported datasets live beside the store; workers inherit the variable.
  process.env['LRLAB_DATA_DIR'] ??= join(dataDir, 'datasets');

  if (!(options.readOnly && existsSync(storePath))) {
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (e) {
      throw new StoreError('unwritable', `Cannot create the data folder ${dataDir} (${(e as Error).message}). Choose another store with --store or LRLAB_STORE.`, storePath);
    }
  }
  let store: RunStore;
  try {
    store = openStore(storePath, { ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}), ...(options.readOnly ? { readOnly: true } : {}) });
  } catch (e) {
    if (fileLog) {
      fileLog.error(`cannot open the store: ${e instanceof Error ? e.message : String(e)}`);
      await fileLog.close();
    }
    throw e;
  }
  if (store.readOnlyNote) log(store.readOnlyNote);
  if (options.runQueue) {
    // The window and `lrlab serve` write (queue lock, runs): a damaged store is refused now,
    // with the way out, instead of starting on it and failing at the first write.
    try {
      store.checkSound();
    } catch (e) {
      store.close();
      if (fileLog) {
        fileLog.error(e instanceof Error ? e.message : String(e));
        await fileLog.close();
      }
      throw e;
    }
  }
  if (store.recoveredOnOpen.length) {
    log(`${store.recoveredOnOpen.length} run(s) left running by a process that is gone are now interrupted (resume them with \`lrlab resume ID\`).`);
  }

  let probe: Promise<BackendProbe> | null = null;
  const backend = (): Promise<BackendProbe> => (probe ??= probeBackend(backendName));

  let slurm: SlurmExecutor | null = null;
  if (options.slurm !== false && !options.readOnly && (options.slurm !== undefined || sbatchOnPath())) {
    let defaults: SlurmSettings = {};
    try {
      defaults = readSlurmSettings(storePath);
    } catch (e) {
      // A bad settings file must not stop the window or `serve`; a Slurm launch from the CLI says why.
      if (options.slurm !== undefined) throw e;
      log(e instanceof Error ? e.message : String(e));
    }
    const settings = { ...defaults, ...stripUndefined(options.slurm ?? {}) };
    slurm = new SlurmExecutor({ store, log, settings: { ...settings, clusterDir: settings.clusterDir ?? defaultClusterDir(storePath) } });
  }
  const localSlots = options.concurrency ?? defaultConcurrency(backendName);
  const queue = new RunQueue({
    store,
    events,
    backend: backendName,
    log,
    ...(slurm ? { executors: [new LocalExecutor(localSlots), slurm] } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.stopGraceMs !== undefined ? { stopGraceMs: options.stopGraceMs } : {}),
  });
  const services: ApiServices = {
    system: createSystemService({ mode: options.mode, storePath, logFile, backend }),
    runs: createRunsService(store, events),
    experiments: createExperimentsService(registry),
    training: createTrainingService(store, queue, async () => (await backend()).report?.name ?? null, slurm, registry),
    datasets: createDatasetsService(process.env['LRLAB_DATA_DIR'] ?? join(dataDir, 'datasets'), events),
    figures: createFiguresService(store, options.saveDialog, registry),
    patches: createPatchesService(registry),
  };
  if (options.runQueue) queue.start();

  // Another process (the CLI, a second window) writing to the same file: tell our clients
  // within a second, and pick up runs it queued.
  let version = store.dataVersion();
  const poll = setInterval(() => {
    try {
      const v = store.dataVersion();
      if (v !== version) {
        version = v;
        events.emit('runs.onDidChange', { runIds: null, reason: 'store changed by another process' });
        if (options.runQueue) void queue.pump();
      }
    } catch {
      // the store is closing
    }
  }, 250);
  poll.unref();

  const dispatch = createDispatch(services, log);
  let closed = false;
  return {
    services,
    dispatch,
    events,
    store,
    queue,
    storePath,
    backendName,
    slurm,
    async close(reason?: string) {
      if (closed) return;
      closed = true;
      clearInterval(poll);
      await queue.close(reason);
      store.close();
      await fileLog?.close();
    },
  };
}
