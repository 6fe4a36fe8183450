/**
 * Chooses the fastest tfjs backend this machine can run, in the order
 * tfjs-node-gpu → webgpu (on a real GPU adapter only) → tfjs-node → wasm → cpu, and says which
 * one ran and why the faster ones were skipped. A user can force one (`--backend`,
 * LRLAB_BACKEND, a setting).
 *
 * Native backends download libtensorflow at install time, so they are optional: a missing
 * or broken one is caught here, recorded as a skip reason, and the next one is tried.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { cpus } from 'node:os';
import { initWasmThreaded, oneDnn, oneDnnVersion, registerTrainingKernels } from '../kernels';
import { adapterLine, tryWebgpu, webgpuAdapter, type WebgpuAdapterReport } from './webgpu';

export const BACKEND_NAMES = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendSkip {
  readonly name: BackendName;
  readonly reason: string;
}

export interface BackendReport {
  /** Our name for it: tensorflow-gpu, tensorflow (CPU libtensorflow), wasm or cpu (pure JS). */
  readonly name: BackendName;
  /** The name tfjs itself uses (`tf.getBackend()`). */
  readonly tfjsBackend: string;
  readonly package: string;
  readonly version: string;
  readonly threads: number;
  readonly simd: boolean | null;
  readonly forced: boolean;
  readonly skipped: readonly BackendSkip[];
  /** One line for people: what ran and what that means for speed. */
  readonly summary: string;
  /** webgpu only: the adapter (vendor, architecture, description, limits); null elsewhere. */
  readonly adapter: WebgpuAdapterReport | null;
}

const PACKAGES: Record<BackendName, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu', // comes with @tensorflow/tfjs, which registers it
};

const nodeRequire = createRequire(import.meta.url);

export function isBackendName(x: string): x is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(x);
}

/** Reads the forced backend from an explicit option or the LRLAB_BACKEND variable. */
export function requestedBackend(explicit?: string | null, env: NodeJS.ProcessEnv = process.env): BackendName | null {
  const raw = (explicit ?? env['LRLAB_BACKEND'] ?? '').trim();
  if (raw === '' || raw === 'auto') return null;
  if (!isBackendName(raw)) {
    throw new Error(`Unknown backend "${raw}". Choose one of: auto, ${BACKEND_NAMES.join(', ')}.`);
  }
  return raw;
}

function packageVersion(pkg: string): string {
  try {
    // The cpu backend is not a dependency of LR Lab: @tensorflow/tfjs brings (and registers) it,
    // so its version is resolved from where tfjs finds it.
    const from = pkg === PACKAGES.cpu ? createRequire(nodeRequire.resolve('@tensorflow/tfjs')) : nodeRequire;
    return (from(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function errorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]?.slice(0, 200) ?? msg;
}

/** Set when tfjs-node-gpu loaded but found no GPU: its CPU TensorFlow serves as `tensorflow`. */
let gpuPackageOnCpu = false;
/** The package that serves `tensorflow` (tfjs-node, or tfjs-node-gpu on the CPU). */
let nativePackage: string = PACKAGES.tensorflow;

async function tryNative(name: 'tensorflow-gpu' | 'tensorflow'): Promise<string | null> {
  let pkg = PACKAGES[name];
  if (name === 'tensorflow' && gpuPackageOnCpu) {
    try {
      nodeRequire.resolve(pkg);
    } catch {
      // tfjs-node is not installed, but tfjs-node-gpu is loaded and runs TensorFlow on the CPU.
      pkg = PACKAGES['tensorflow-gpu'];
    }
  }
  try {
    nodeRequire.resolve(pkg);
  } catch {
    return `${pkg} is not installed (its install downloads libtensorflow${
      name === 'tensorflow-gpu' ? ' with CUDA' : ''
    }, which failed or was skipped)`;
  }
  try {
    // Loading the addon registers the 'tensorflow' backend with the shared tfjs-core.
    nodeRequire(pkg);
    if (!(await tf.setBackend('tensorflow'))) return `${pkg} loaded but its backend failed to initialize`;
    if (name === 'tensorflow-gpu' && !(await nativeHasGpu())) {
      gpuPackageOnCpu = true;
      return `${pkg} loaded but found no CUDA GPU (its CPU TensorFlow stands in for tensorflow below)`;
    }
    if (name === 'tensorflow') nativePackage = pkg;
    return null;
  } catch (e) {
    return `${pkg} failed to load: ${errorText(e)}`;
  }
}

async function nativeHasGpu(): Promise<boolean> {
  // tfjs-node-gpu falls back to CPU silently when CUDA is missing; ask TF for its devices.
  try {
    const backend = tf.backend() as unknown as { binding?: { isUsingGpuDevice?: () => boolean } };
    const f = backend.binding?.isUsingGpuDevice;
    return typeof f === 'function' ? f.call(backend.binding) : true;
  } catch {
    return false;
  }
}

let wasmPathsSet = false;
/** More XNNPACK threads than this gain little on wasm and cost a worker each. */
const MAX_WASM_THREADS = 8;
/**
 * XNNPACK threads for wasm: LRLAB_WASM_THREADS when set (1 = the single-threaded build), else
 * one per logical core (at most 8). tfjs-backend-wasm is single-threaded under Node as
 * shipped; engine/kernels' loader starts its threaded build, and falls back to one thread,
 * with the reason in the report, where that fails. A host running several runs at once gives
 * each run's process its share of the cores (electron/main/training/runProcess).
 */
export function wasmThreadsWanted(env: NodeJS.ProcessEnv = process.env, cores = cpus().length): number {
  const raw = env['LRLAB_WASM_THREADS'];
  if (raw !== undefined && raw.trim() !== '') {
    const n = Number.parseInt(raw, 10);
    return Number.isFinite(n) && n > 1 ? Math.min(n, 64) : 1;
  }
  return Math.max(1, Math.min(MAX_WASM_THREADS, cores));
}

let wasmThreadNote: string | null = null;

async function tryWasm(): Promise<string | null> {
  try {
    const want = wasmThreadsWanted();
    if (want > 1) {
      try {
        const r = await initWasmThreaded(want);
        wasmThreadNote = r.reason;
        wasmThreadCount = r.threads;
      } catch (e) {
        wasmThreadNote = `the threaded wasm build could not start (${errorText(e)}); using 1 thread`;
        wasmThreadCount = 1;
      }
      if (tf.getBackend() === 'wasm') {
        registerTrainingKernels('wasm');
        return null;
      }
    }
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (!wasmPathsSet) {
      const dir = join(dirname(nodeRequire.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
      wasm.setWasmPaths(dir);
      wasmPathsSet = true;
    }
    if (!(await tf.setBackend('wasm'))) return 'the wasm backend failed to initialize';
    registerTrainingKernels('wasm');
    return null;
  } catch (e) {
    return `wasm failed to load: ${errorText(e)}`;
  }
}

async function tryCpu(): Promise<string | null> {
  try {
    return (await tf.setBackend('cpu')) ? null : 'the cpu backend failed to initialize';
  } catch (e) {
    return `cpu failed: ${errorText(e)}`;
  }
}

const TRY: Record<BackendName, (forced: boolean) => Promise<string | null>> = {
  'tensorflow-gpu': () => tryNative('tensorflow-gpu'),
  webgpu: async (forced) => {
    const why = await tryWebgpu(forced);
    if (why === null) registerTrainingKernels('webgpu');
    return why;
  },
  tensorflow: () => tryNative('tensorflow'),
  wasm: tryWasm,
  cpu: tryCpu,
};

let current: BackendReport | null = null;

/**
 * Selects and initializes a backend. With `force`, only that one is tried and a failure is
 * an error that says why; otherwise the first that works, fastest first.
 */
export async function initBackend(options: { force?: BackendName | null } = {}): Promise<BackendReport> {
  const force = options.force ?? null;
  if (current && (force === null || current.name === force)) return current;
  const order: readonly BackendName[] = force ? [force] : BACKEND_NAMES;
  const skipped: BackendSkip[] = [];
  for (const name of order) {
    const why = await TRY[name](force !== null);
    if (why === null) {
      await tf.ready();
      current = describe(name, force !== null, skipped);
      return current;
    }
    skipped.push({ name, reason: why });
  }
  const detail = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw new Error(
    force
      ? `The forced backend "${force}" is not available (${detail}). Run \`lrlab info\` to see which backends work here, or unset LRLAB_BACKEND.`
      : `No tfjs backend could be initialized (${detail}). Reinstall dependencies with \`npm install\`.`,
  );
}

/** The report of the backend initialized last, or null before `initBackend`. */
export function currentBackend(): BackendReport | null {
  return current;
}

function describe(name: BackendName, forced: boolean, skipped: readonly BackendSkip[]): BackendReport {
  const pkg = name === 'tensorflow' ? nativePackage : PACKAGES[name];
  const adapter = name === 'webgpu' ? webgpuAdapter() : null;
  const simd = name === 'wasm' ? Boolean(tf.env().getBool('WASM_HAS_SIMD_SUPPORT')) : null;
  const threads = name === 'wasm' ? wasmThreads() : name === 'cpu' || name === 'webgpu' ? 1 : cpus().length;
  const speed: Record<BackendName, string> = {
    'tensorflow-gpu': 'native TensorFlow on the GPU',
    webgpu: `WebGPU (Dawn) on ${adapter ? adapterLine(adapter) : 'an unknown adapter'}`,
    tensorflow: `native TensorFlow on the CPU${pkg === PACKAGES['tensorflow-gpu'] ? ' (tfjs-node-gpu without a GPU)' : ''}`,
    wasm: `WebAssembly${simd ? ' with SIMD' : ''}, ${threads} thread${threads === 1 ? '' : 's'}${wasmThreadNote ? ` (${wasmThreadNote})` : ''}; ${wasmKernels()}`,
    cpu: 'pure JavaScript: a correctness reference, far too slow to train on',
  };
  return {
    name,
    tfjsBackend: tf.getBackend(),
    package: pkg,
    version: packageVersion(pkg),
    threads,
    simd,
    forced,
    skipped: [...skipped],
    summary: `${name} (${pkg} ${packageVersion(pkg)}): ${speed[name]}`,
    adapter,
  };
}

/** Which kernels run the convolutions and matmuls on wasm. */
function wasmKernels(): string {
  const dnn = oneDnn();
  return dnn.addon ? `convolutions and matmuls on ${oneDnnVersion() ?? 'oneDNN'} (native)` : `convolutions and matmuls on XNNPACK (oneDNN kernels: ${dnn.reason})`;
}

let wasmThreadCount = 1;
function wasmThreads(): number {
  // What XNNPACK actually runs with (1 when the threaded build was not asked for or failed).
  return wasmThreadCount;
}

/** Forgets the selection (tests only): the next `initBackend` selects again. */
export function resetBackendForTests(): void {
  current = null;
}
