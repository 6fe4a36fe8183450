/**
 * Engine benchmark (`npm run bench:engine`): one SGD step of each workload of issue 5 on
 * every available tfjs backend, with each optimization switched on in turn, next to the same
 * workload in PyTorch CPU (torch_bench.py, run before and after the tfjs rows so the ratio
 * pairs runs made close together). Prints tables; asserts nothing.
 *
 * Flags: --steps N (timed steps, default 5), --warmup N (default 1), --only a,b (workload
 * names), --final (only the final configuration), --no-cpu, --no-torch, --no-models,
 * --threads N (also measure the final configuration on the threaded wasm build with N
 * threads, in a child process; default: the machine's logical cores; 0 = skip).
 * GPU rows: the webgpu backend (engine/backend/webgpu.ts) runs each workload's engine path
 * (and WRN-16-10 at batch 128, which only a GPU holds) when Dawn finds a hardware adapter, or
 * with --webgpu also on a software one (lavapipe: correct but slow, its speed says nothing
 * about a GPU's; use --steps 1 --only small-cnn there); --no-webgpu skips them. PyTorch CUDA
 * rows come with them when python3's torch has CUDA. --gpu-only: only the GPU rows;
 * --row-timeout S: give up on a webgpu row after S seconds (the GPU check's time budget);
 * --torch-device cpu: take the GPU rows' PyTorch reference on the CPU instead of CUDA (to test
 * that half of the GPU check on a machine without a GPU; its ratios then say "× PyTorch CPU").
 * Internal: --child WORKLOAD runs that one measurement threaded and prints its row as JSON
 * (--backend webgpu: on webgpu; --child probe-webgpu prints the adapter).
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, shutdownWebgpu, webgpuAdapter } from '../backend';
import { initWasmThreaded, oneDnn, oneDnnVersion, useTrainingKernels } from '../kernels';
import { Rng, useNativeNormals } from '../random';
import { convWorkload, fillNormalPolar, twoLayerWorkload } from './benchModels';
import type { BnMode, NormalMode, Workload } from './benchModels';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const STEPS = Number(option('steps', '5'));
const WARMUP = Number(option('warmup', '1'));
const ONLY = option('only', '').split(',').filter((s) => s !== '');
const FINAL_ONLY = flag('final');
const CPU_STEPS = 2;
const THREADS = Number(option('threads', String(cpus().length)));
const CHILD = option('child', '');

interface Variant {
  readonly label: string;
  /** Two-layer workloads: the autodiff step or the engine's SyntheticNet. */
  readonly twoLayer?: 'autodiff' | 'engine';
  /** Convolutions and matmuls on the oneDNN addon (engine/kernels/onednn) instead of XNNPACK. */
  readonly onednn?: boolean;
  /** Replacement kernels in use (see engine/kernels). */
  readonly kernels: readonly string[];
  readonly bn: BnMode;
  readonly normals: NormalMode;
}

const ALL_KERNELS = ['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'BatchMatMul', '_FusedMatMul', 'LrlabBatchNormTrain', 'LrlabBatchNormTrainGrad'];
/** The last variant of each workload is its final configuration (--final, threads, cpu). */
const FINAL: Variant = { label: 'all optimizations', kernels: ALL_KERNELS, bn: 'fused', normals: 'fast' };

interface WorkloadDef {
  readonly name: string;
  readonly title: string;
  readonly cpu: boolean;
  readonly variants: readonly Variant[];
  make(v: Variant): Workload;
  /** engine/models' own step for the same workload, when that module is there. */
  readonly models?: { arch: 'wrn'; depth: number; widen: number } | { arch: 'small-cnn'; width: number };
  readonly noiseStd: number;
  /** Only GPU rows (webgpu, PyTorch CUDA): too large for wasm's 4 GiB heap. */
  readonly gpuOnly?: boolean;
}

const TWO_LAYER_FINAL: Variant = { label: 'engine SyntheticNet: U [m, D], fused in-place update', kernels: ALL_KERNELS, bn: 'fused', normals: 'fast', twoLayer: 'engine' };
const twoLayerVariants: Variant[] = [
  { label: 'as shipped (transposed matmuls, polar normals)', kernels: [], bn: 'fused', normals: 'polar', twoLayer: 'autodiff' },
  { label: '+ explicit transposes (XNNPACK)', kernels: ALL_KERNELS, bn: 'fused', normals: 'polar', twoLayer: 'autodiff' },
  { label: '+ ziggurat normals (U [D, m], 5 update ops)', kernels: ALL_KERNELS, bn: 'fused', normals: 'fast', twoLayer: 'autodiff' },
  TWO_LAYER_FINAL,
  { ...TWO_LAYER_FINAL, label: 'engine SyntheticNet + oneDNN sgemm', onednn: true },
];
const convVariants: Variant[] = [
  { label: 'filter grad only, wasm input grad, autodiff BN', kernels: ['Conv2DBackpropFilter', 'BatchMatMul', '_FusedMatMul'], bn: 'autodiff', normals: 'fast' },
  { label: '+ XNNPACK input grad', kernels: ALL_KERNELS, bn: 'autodiff', normals: 'fast' },
  FINAL,
  { ...FINAL, label: 'all optimizations + oneDNN convolutions and matmuls', onednn: true },
];

const WORKLOADS: WorkloadDef[] = [
  {
    name: 'two-layer-256',
    title: 'two-layer d=256 (input 512), m=4096, batch 512, gradient noise',
    cpu: true,
    variants: twoLayerVariants,
    noiseStd: 0.01,
    make: (v) => twoLayerWorkload({ impl: v.twoLayer ?? 'engine', inputDim: 512, width: 4096, batch: 512, noiseStd: 0.01, normals: v.normals, seed: 1 }),
  },
  {
    name: 'two-layer-1024',
    title: 'two-layer d=1024 (input 2048), m=8192, batch 256, gradient noise',
    cpu: false,
    variants: twoLayerVariants,
    noiseStd: 0.01,
    make: (v) => twoLayerWorkload({ impl: v.twoLayer ?? 'engine', inputDim: 2048, width: 8192, batch: 256, noiseStd: 0.01, normals: v.normals, seed: 1 }),
  },
  {
    name: 'small-cnn',
    title: 'small CNN (32/64/128) 28×28×1, batch 128',
    cpu: false, // the pure-JS backend's conv gradients take minutes per step here
    variants: convVariants,
    noiseStd: 0,
    models: { arch: 'small-cnn', width: 32 },
    make: (v) =>
      convWorkload({ model: { arch: 'small-cnn', width: 32 }, inputShape: [28, 28, 1], batch: 128, classes: 10, noiseStd: 0, bn: v.bn, normals: v.normals, seed: 1 }),
  },
  {
    name: 'wrn-16-4',
    title: 'WRN-16-4 32×32×3, batch 128, pre-activation noise σ=0.1',
    cpu: false,
    variants: convVariants,
    noiseStd: 0.1,
    models: { arch: 'wrn', depth: 16, widen: 4 },
    make: (v) =>
      convWorkload({ model: { arch: 'wrn', depth: 16, widen: 4 }, inputShape: [32, 32, 3], batch: 128, classes: 10, noiseStd: 0.1, bn: v.bn, normals: v.normals, seed: 1 }),
  },
  {
    name: 'wrn-16-10',
    title: 'WRN-16-10 32×32×3, batch 128, pre-activation noise σ=0.1 (GPU rows only)',
    cpu: false,
    gpuOnly: true,
    variants: [FINAL],
    noiseStd: 0.1,
    models: { arch: 'wrn', depth: 16, widen: 10 },
    make: (v) =>
      convWorkload({ model: { arch: 'wrn', depth: 16, widen: 10 }, inputShape: [32, 32, 3], batch: 128, classes: 10, noiseStd: 0.1, bn: v.bn, normals: v.normals, seed: 1 }),
  },
];

interface Row {
  readonly workload: string;
  readonly engine: string;
  readonly ms: number[];
  readonly batch: number;
  readonly flops: number;
  readonly peakBytes: number | null;
  readonly note?: string;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function timeSteps(step: () => number | Promise<number>, warmup: number, steps: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await step();
  const ms: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    const loss = await step();
    ms.push(performance.now() - t);
    if (!Number.isFinite(loss)) throw new Error(`loss is ${loss}`);
  }
  return ms;
}

/** Peak tensor bytes during one step, above `base` (what was allocated before the workload). */
async function peakOf(step: () => number | Promise<number>, base: number): Promise<number> {
  const info = await tf.profile(async () => {
    await step();
  });
  return info.peakBytes - base;
}

async function measure(def: WorkloadDef, v: Variant, backend: 'wasm' | 'cpu' | 'webgpu', steps: number): Promise<Row> {
  if (backend === 'wasm') useTrainingKernels('wasm', v.kernels);
  const base = tf.memory().numBytes;
  const w = def.make(v);
  try {
    const before = tf.memory().numTensors;
    const ms = await timeSteps(() => w.step(), WARMUP, steps);
    const leaked = tf.memory().numTensors - before;
    const peak = await peakOf(() => w.step(), base);
    return {
      workload: def.name,
      engine: `tfjs ${backend}: ${v.label}`,
      ms,
      batch: w.batch,
      flops: w.flopsPerStep,
      peakBytes: peak,
      note: leaked !== 0 ? `leaked ${leaked} tensors/step` : undefined,
    };
  } catch (e) {
    return { workload: def.name, engine: `tfjs ${backend}: ${v.label}`, ms: [], batch: 0, flops: 0, peakBytes: null, note: `fails: ${(e instanceof Error ? e.message : String(e)).slice(0, 80)}` };
  } finally {
    w.dispose();
    if (backend === 'wasm') useTrainingKernels('wasm', ALL_KERNELS);
  }
}

/** engine/models (the image engineer's WRN / small CNN and trainStep), when present. */
async function measureModels(def: WorkloadDef, steps: number): Promise<Row | null> {
  if (!def.models || flag('no-models')) return null;
  try {
    const models = await import('../models');
    const optim = await import('../optim');
    const shape: [number, number, number] = def.models.arch === 'wrn' ? [32, 32, 3] : [28, 28, 1];
    const base = tf.memory().numBytes;
    const model = models.buildModel(def.models, { inputShape: shape, classes: 10, rng: Rng.forStream(1, 'init') });
    const opt = new optim.Sgd({ momentum: 0.9, nesterov: true, weightDecay: 5e-4 }, model.params);
    const data = Rng.forStream(1, 'data');
    const batch = 128;
    const x = data.fillNormal(new Float32Array(batch * shape[0] * shape[1] * shape[2]));
    const labels = Int32Array.from({ length: batch }, () => data.int(10));
    const noise = def.noiseStd > 0 ? { std: def.noiseStd, rng: Rng.forStream(1, 'noise') } : null;
    const step = async (): Promise<number> => (await models.trainStep(model, opt, { x, labels, batch }, 0.01, noise, shape, 10)).loss;
    const ms = await timeSteps(step, WARMUP, steps);
    const peak = await peakOf(step, base);
    model.dispose();
    opt.dispose();
    return { workload: def.name, engine: `tfjs ${tf.getBackend()}: engine/models trainStep`, ms, batch, flops: 0, peakBytes: peak };
  } catch (e) {
    return { workload: def.name, engine: 'engine/models', ms: [], batch: 0, flops: 0, peakBytes: null, note: `skipped: ${(e instanceof Error ? e.message : String(e)).slice(0, 100)}` };
  }
}

/**
 * One wasm measurement in a child process: each gets a fresh wasm heap (it never shrinks,
 * and a run is one process too), and a heap exhausted by one variant cannot take down the
 * benchmark. `variant` −1 = engine/models' step; `threads` > 1 = the threaded build.
 */
function measureInChild(def: WorkloadDef, variant: number, threads: number, steps: number): Row | null {
  const script = fileURLToPath(import.meta.url);
  const args = ['--child', def.name, '--variant', String(variant), '--threads', String(threads), '--steps', String(steps), '--warmup', String(WARMUP)];
  const r = spawnSync(process.execPath, [...process.execArgv, script, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Row;
  } catch {
    const label = variant >= 0 ? def.variants[variant]?.label : 'engine/models trainStep';
    const why = (r.stderr || line).trim().split('\n').filter((l) => /Error/.test(l)).pop() ?? 'no output';
    return { workload: def.name, engine: `tfjs wasm: ${label}${threads > 1 ? `, ${threads} threads` : ''}`, ms: [], batch: 0, flops: 0, peakBytes: null, note: `failed: ${why.slice(0, 90)}` };
  }
}

/**
 * The ceiling: XNNPACK's f32 GEMM rate on this machine (a 1024³ matmul, right operand packed
 * once, as a layer's weights are), in the child's thread configuration. Every workload is
 * mostly GEMM or convolution, so its step cannot beat its FLOPs at this rate.
 */
async function gemmChild(): Promise<void> {
  if (!flag('onednn')) process.env['LRLAB_ONEDNN'] = '0';
  if (THREADS <= 1) process.env['LRLAB_WASM_THREADS'] = '1';
  else await initWasmThreaded(THREADS);
  await initBackend({ force: 'wasm' });
  const n = 1024;
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  const ms = await timeSteps(() => tf.tidy(() => tf.matMul(a, b).dataSync()[0] ?? 0), 2, 7);
  console.log(JSON.stringify({ gflops: (2 * n ** 3) / median(ms) / 1e6 }));
}

function gemmRate(threads: number, onednn = false): number | null {
  const script = fileURLToPath(import.meta.url);
  const extra = onednn ? ['--onednn'] : [];
  const r = spawnSync(process.execPath, [...process.execArgv, script, '--child', 'gemm', '--threads', String(threads), ...extra], { encoding: 'utf8' });
  try {
    return (JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { gflops: number }).gflops;
  } catch {
    return null;
  }
}

function torchGemmRate(threads: number): number | null {
  const py = findTorch();
  if (!py) return null;
  const code = `import torch,time\ntorch.set_num_threads(${threads})\na=torch.randn(1024,1024)\nb=torch.randn(1024,1024)\nfor _ in range(3): a@b\nts=[]\nfor _ in range(7):\n  t=time.perf_counter(); a@b; ts.append(time.perf_counter()-t)\nts.sort()\nprint(2*1024**3/ts[3]/1e9)`;
  const r = spawnSync(py, ['-c', code], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout) : null;
}

/** A webgpu measurement (child process): the engine's path for the workload, as runs take it. */
async function webgpuChild(): Promise<void> {
  await initBackend({ force: 'webgpu' });
  const a = webgpuAdapter();
  if (CHILD === 'probe-webgpu') {
    console.log(JSON.stringify(a));
    return;
  }
  const def = WORKLOADS.find((d) => d.name === CHILD);
  if (!def) throw new Error(`unknown workload ${CHILD}`);
  const row = def.models ? await measureModels(def, STEPS) : await measure(def, TWO_LAYER_FINAL, 'webgpu', STEPS);
  if (!row) return;
  const name = a ? a.description || a.device : 'unknown adapter';
  console.log(JSON.stringify({ ...row, engine: `${row.engine.replace(/^tfjs webgpu/, 'tfjs webgpu')} on ${name}${a?.software ? ' (software)' : ''}` }));
  shutdownWebgpu();
}

function webgpuRow(def: WorkloadDef | 'probe-webgpu', steps: number): { row: Row | null; stdout: string; error: string } {
  const script = fileURLToPath(import.meta.url);
  const name = def === 'probe-webgpu' ? def : def.name;
  const rowTimeout = Number(option('row-timeout', '0'));
  const r = spawnSync(process.execPath, [...process.execArgv, script, '--child', name, '--backend', 'webgpu', '--steps', String(steps), '--warmup', String(WARMUP)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    ...(rowTimeout > 0 ? { timeout: rowTimeout * 1000 } : {}),
  });
  if (r.error && rowTimeout > 0 && def !== 'probe-webgpu') {
    return { row: { workload: def.name, engine: 'tfjs webgpu', ms: [], batch: 0, flops: 0, peakBytes: null, note: `not finished within --row-timeout ${rowTimeout} s` }, stdout: '', error: 'timeout' };
  }
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const error = (r.stderr || '').trim().split('\n').filter((l) => /Error|not available/.test(l)).pop() ?? `exit ${r.status}`;
  if (def === 'probe-webgpu') return { row: null, stdout: r.status === 0 ? line : '', error };
  try {
    return { row: JSON.parse(line) as Row, stdout: line, error: '' };
  } catch {
    return { row: { workload: def.name, engine: 'tfjs webgpu', ms: [], batch: 0, flops: 0, peakBytes: null, note: `failed: ${error.slice(0, 120)}` }, stdout: '', error };
  }
}

async function child(): Promise<void> {
  if (CHILD === 'gemm') return gemmChild();
  if (option('backend', '') === 'webgpu') return webgpuChild();
  const def = WORKLOADS.find((d) => d.name === CHILD);
  if (!def) throw new Error(`unknown workload ${CHILD}`);
  const variant = Number(option('variant', '-1'));
  // engine/models' rows (variant −1) run as runs do: oneDNN where it is built.
  if (variant >= 0 && !def.variants[variant]?.onednn) process.env['LRLAB_ONEDNN'] = '0';
  if (THREADS <= 1) process.env['LRLAB_WASM_THREADS'] = '1'; // the single-threaded build (the default is one thread per core)
  const t = THREADS > 1 ? await initWasmThreaded(THREADS) : null;
  await initBackend({ force: 'wasm' });
  const v = variant >= 0 ? def.variants[variant] : undefined;
  const row = v ? await measure(def, v, 'wasm', STEPS) : await measureModels(def, STEPS);
  if (!row) return;
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.length ?? 0;
  const label = t ? `${row.engine}, ${t.threads} threads${t.reason ? ` (${t.reason})` : ''}` : row.engine;
  console.log(JSON.stringify({ ...row, engine: label, note: [row.note, `wasm heap ${(heap / 1e9).toFixed(2)} GB`].filter(Boolean).join('; ') }));
}

// ---------------------------------------------------------------------------------------
// PyTorch

const here = dirname(fileURLToPath(import.meta.url));
let torchPython: string | null | undefined;
function findTorch(): string | null {
  if (torchPython !== undefined) return torchPython;
  torchPython = null;
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) {
      torchPython = py;
      break;
    }
  }
  return torchPython;
}

interface TorchResult {
  ms: number[];
  peak_rss_bytes: number;
  threads: number;
  torch: string;
  blas: string;
  gpu?: string;
}

/** True when python3's PyTorch sees a CUDA GPU. */
function torchHasCuda(): boolean {
  const py = findTorch();
  if (!py) return false;
  const r = spawnSync(py, ['-c', 'import torch,sys; sys.exit(0 if torch.cuda.is_available() else 1)'], { encoding: 'utf8' });
  return r.status === 0;
}

function runTorch(workload: string, steps: number, device = 'cpu'): TorchResult | string {
  const py = findTorch();
  if (!py) return 'PyTorch not importable by python3 or /usr/bin/python3 (Debian: apt-get install python3-torch)';
  const r = spawnSync(py, [join(here, 'torch_bench.py'), workload, '--steps', String(steps), '--warmup', String(WARMUP), '--device', device], { encoding: 'utf8' });
  if (r.status !== 0) return `torch_bench.py failed: ${(r.stderr || '').trim().split('\n').pop() ?? ''}`;
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as TorchResult;
}

// ---------------------------------------------------------------------------------------
// Gaussian generator throughput

function normalsPerSecond(fill: (out: Float32Array) => void): number {
  const out = new Float32Array(1 << 22);
  fill(out);
  const reps = 5;
  const t = performance.now();
  for (let i = 0; i < reps; i++) fill(out);
  return (reps * out.length) / ((performance.now() - t) / 1000);
}

// ---------------------------------------------------------------------------------------

function fmtBytes(b: number | null): string {
  if (b === null) return '—';
  return b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : `${(b / 1e6).toFixed(0)} MB`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** The Gaussian generators' rates and the GEMM ceiling (CPU rows only). */
async function cpuPreamble(useTorch: boolean): Promise<void> {
  // Gaussian generators.
  const rng = Rng.fromSeed(1);
  const polar = normalsPerSecond((o) => fillNormalPolar(rng, o));
  const nativeFill = oneDnn().addon?.fillNormal;
  useNativeNormals(null);
  const fast = normalsPerSecond((o) => rng.fillNormal(o));
  let native = '';
  if (nativeFill) {
    useNativeNormals(nativeFill.bind(oneDnn().addon));
    const rate = normalsPerSecond((o) => rng.fillNormal(o));
    native = `, native (oneDNN addon, same numbers) ${(rate / 1e6).toFixed(1)} M/s (${(rate / polar).toFixed(1)}×)`;
  }
  let torchRandn = '';
  if (useTorch && findTorch()) {
    const r = spawnSync(findTorch()!, ['-c', 'import torch,time\ng=torch.Generator().manual_seed(1)\ntorch.randn(1<<22,generator=g)\nt=time.perf_counter()\nfor _ in range(5): torch.randn(1<<22,generator=g)\nprint(5*(1<<22)/(time.perf_counter()-t))'], { encoding: 'utf8' });
    if (r.status === 0) torchRandn = `, PyTorch torch.randn ${(Number(r.stdout) / 1e6).toFixed(0)} M/s`;
  }
  console.log(`Gaussian normals: polar (before) ${(polar / 1e6).toFixed(1)} M/s, ziggurat Rng.fillNormal ${(fast / 1e6).toFixed(1)} M/s (${(fast / polar).toFixed(1)}×)${native}${torchRandn}\n`);
  {
    const fmt = (g: number | null): string => (g === null ? '—' : `${g.toFixed(1)} GFLOP/s`);
    const parts = [`XNNPACK wasm ${fmt(gemmRate(1))} (1 thread)`];
    if (THREADS > 1) parts.push(`${fmt(gemmRate(THREADS))} (${THREADS} threads)`);
    const dnn = oneDnnVersion();
    if (dnn) parts.push(`${dnn} ${fmt(gemmRate(Math.max(1, THREADS), true))}`);
    if (useTorch) parts.push(`PyTorch ${fmt(torchGemmRate(Math.max(1, THREADS)))} (${Math.max(1, THREADS)} threads)`);
    console.log(`GEMM ceiling, 1024³ f32 matmul: ${parts.join(', ')}\n`);
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const push = (r: Row | null): void => {
    if (!r) return;
    rows.push(r);
    const med = r.ms.length ? median(r.ms).toFixed(0) : '—';
    console.error(`  ${r.engine}: ${med} ms/step${r.note ? ` (${r.note})` : ''}`);
  };
  const torchRef = new Map<string, number>();
  const notes: string[] = [];
  const defs = WORKLOADS.filter((d) => ONLY.length === 0 || ONLY.includes(d.name));
  const useTorch = !flag('no-torch');
  const GPU_ONLY = flag('gpu-only');
  // GPU rows: webgpu on a hardware adapter (or forced onto a software one with --webgpu).
  let webgpuOn = false;
  if (!flag('no-webgpu')) {
    const probe = webgpuRow('probe-webgpu', 0);
    const adapter = probe.stdout ? (JSON.parse(probe.stdout) as { description: string; software: boolean } | null) : null;
    webgpuOn = adapter !== null && (!adapter.software || flag('webgpu'));
    console.log(
      adapter
        ? `webgpu adapter: ${adapter.description}${adapter.software ? ` (software${webgpuOn ? '' : '; its rows need --webgpu'})` : ''}`
        : `webgpu: no adapter (${probe.error.slice(0, 160)})`,
    );
  }
  // The GPU rows' PyTorch reference: CUDA, or the CPU with --torch-device cpu (testing the check without a GPU).
  const torchDevice = option('torch-device', 'cuda') === 'cpu' ? 'cpu' : 'cuda';
  const torchCuda = useTorch && (webgpuOn || GPU_ONLY) && (torchDevice === 'cpu' ? findTorch() !== null : torchHasCuda());
  if (useTorch && (webgpuOn || GPU_ONLY) && !torchCuda) notes.push(torchDevice === 'cpu' ? 'PyTorch not importable: no PyTorch reference rows' : 'PyTorch has no CUDA here: no PyTorch CUDA rows');
  const cudaRef = new Map<string, number>();

  if (!GPU_ONLY) await cpuPreamble(useTorch);

  for (const def of defs) {
    console.error(`… ${def.title}`);
    const torchMs: number[] = [];
    let torchInfo: TorchResult | null = null;
    const torchOnce = (): void => {
      if (!useTorch) return;
      const r = runTorch(def.name, STEPS);
      if (typeof r === 'string') {
        if (!notes.includes(r)) notes.push(r);
        return;
      }
      torchMs.push(...r.ms);
      torchInfo = r;
    };
    const cpuRows = !GPU_ONLY && !def.gpuOnly;
    if (cpuRows) torchOnce();
    if (cpuRows) {
      def.variants.forEach((v, i) => {
        if (!FINAL_ONLY || i === def.variants.length - 1) push(measureInChild(def, i, 1, STEPS));
      });
      if (def.models && !flag('no-models')) push(measureInChild(def, -1, 1, STEPS));
      if (THREADS > 1) push(measureInChild(def, def.variants.length - 1, THREADS, STEPS));
    }
    if (webgpuOn) push(webgpuRow(def, STEPS).row);
    if (torchCuda) {
      const r = runTorch(def.name, STEPS, torchDevice);
      if (typeof r === 'string') notes.push(`PyTorch ${torchDevice} ${def.name}: ${r}`);
      else {
        cudaRef.set(def.name, median(r.ms));
        const batch = rows.find((x) => x.workload === def.name && x.batch > 0)?.batch ?? (def.name.startsWith('two-layer') ? 0 : 128);
        const engine = torchDevice === 'cuda' ? `PyTorch ${r.torch} CUDA on ${r.gpu ?? 'GPU'}` : `PyTorch ${r.torch} CPU, ${r.threads} threads (GPU rows' reference, --torch-device cpu)`;
        push({ workload: def.name, engine, ms: r.ms, batch, flops: 0, peakBytes: r.peak_rss_bytes, note: torchDevice === 'cuda' ? 'peak = torch.cuda.max_memory_allocated' : 'peak = process RSS' });
      }
    }
    if (!cpuRows) continue;
    if (def.cpu && !flag('no-cpu')) {
      await initBackend({ force: 'cpu' });
      push(await measure(def, def.variants[def.variants.length - 1]!, 'cpu', CPU_STEPS));
      await initBackend({ force: 'wasm' });
    }
    torchOnce();
    if (torchInfo) {
      const ti = torchInfo as TorchResult;
      torchRef.set(def.name, median(torchMs));
      const flops = rows.find((r) => r.workload === def.name && r.flops > 0)?.flops ?? 0;
      const batch = rows.find((r) => r.workload === def.name && r.batch > 0)?.batch ?? 0;
      push({ workload: def.name, engine: `PyTorch ${ti.torch} CPU, ${ti.threads} threads, ${ti.blas} BLAS`, ms: torchMs, batch, flops, peakBytes: ti.peak_rss_bytes, note: 'peak = process RSS' });
      if (ti.blas === 'reference') notes.push('PyTorch is using the reference BLAS (libblas3): install libopenblas0-pthread for a representative reference.');
    }
  }

  /** × PyTorch CPU for CPU rows; GPU rows (webgpu, PyTorch CUDA) against PyTorch CUDA. */
  const ratio = (r: Row, med: number, cpuRef: number | undefined): string => {
    if (!Number.isFinite(med)) return '—';
    const gpuRow = /webgpu|CUDA|GPU rows' reference/.test(r.engine);
    const cuda = cudaRef.get(r.workload);
    if (gpuRow) return cuda ? `${(med / cuda).toFixed(2)}× ${torchDevice === 'cuda' ? 'CUDA' : 'PyTorch CPU'}` : cpuRef ? `${(med / cpuRef).toFixed(2)}× PyTorch CPU` : '—';
    return cpuRef ? `${(med / cpuRef).toFixed(2)}×` : '—';
  };
  const header = ['workload', 'engine / configuration', 'ms/step (median)', 'min–max', 'ex/s', 'GFLOP/s', 'peak memory', '× PyTorch'];
  const widths = [15, 64, 17, 16, 8, 8, 12, 10];
  console.log(header.map((h, i) => pad(h, widths[i]!)).join(' | '));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) {
    const med = r.ms.length ? median(r.ms) : NaN;
    const ref = torchRef.get(r.workload);
    const cells = [
      r.workload,
      r.engine + (r.note ? ` (${r.note})` : '') + (r.ms.length && r.ms.length < 5 ? ` [n=${r.ms.length}]` : ''),
      Number.isFinite(med) ? med.toFixed(0) : '—',
      r.ms.length ? `${Math.min(...r.ms).toFixed(0)}–${Math.max(...r.ms).toFixed(0)}` : '—',
      Number.isFinite(med) && r.batch ? ((r.batch * 1000) / med).toFixed(0) : '—',
      Number.isFinite(med) && r.flops ? (r.flops / med / 1e6).toFixed(1) : '—',
      fmtBytes(r.peakBytes),
      ratio(r, med, ref),
    ];
    console.log(cells.map((c, i) => pad(c, widths[i]!)).join(' | '));
  }
  if (webgpuOn) console.log(`\nwebgpu rows: engine/models trainStep (conv nets) or SyntheticNet's fused step (two-layer) on the webgpu backend; the last column compares them with PyTorch ${cudaRef.size > 0 && torchDevice === 'cuda' ? 'CUDA' : 'on the CPU'} on the same machine.`);
  for (const n of GPU_ONLY ? notes : []) console.log(`note: ${n}`);
  if (GPU_ONLY) return;
  const backend = await initBackend({ force: 'wasm' });
  console.log(`\nwasm: ${backend.summary}. tfjs peak memory = tf.profile peakBytes of one step (tensor bytes, not the wasm heap).`);
  console.log('GFLOP/s counts forward + backward (≈3× forward for convs, 4·B·D·m for the two-layer net).');
  for (const n of notes) console.log(`note: ${n}`);
}

if (CHILD) await child();
else await main();
process.exit(0);
