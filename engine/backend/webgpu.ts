/**
 * The webgpu backend: `@tensorflow/tfjs-backend-webgpu` on Dawn (npm `webgpu`, the WebGPU
 * implementation inside Chromium, shipped prebuilt for linux-x64/arm64, macOS and Windows).
 * Dawn drives Vulkan on Linux (NVIDIA, AMD and Intel drivers all provide it), Metal on macOS
 * and D3D12 on Windows. Nothing to compile and nothing downloaded at install.
 *
 * What Node needs (engine/backend/README.md, "webgpu"): Dawn's WebGPU globals
 * (GPUBufferUsage, GPUMapMode, …) on globalThis before the tfjs backend is imported; the full
 * `@tensorflow/tfjs` for gradients; reads only through `await t.data()` (dataSync/arraySync
 * throw there: the sync path needs OffscreenCanvas); and the backend and device released at
 * shutdown. We create the adapter and device ourselves and register the backend with them, so
 * the adapter `lrlab info` reports is the one that trains (tfjs's own factory would ask
 * `navigator.gpu` again, and Node has no `navigator.gpu`).
 *
 * Choice: automatically only on a real GPU adapter. A software adapter (lavapipe, SwiftShader)
 * is slower than wasm, so `auto` skips it with that reason; `--backend webgpu` takes it. When
 * webgpu is forced and Dawn finds no hardware adapter, LR Lab's own lavapipe
 * (`npm run setup:lavapipe`, engine/backend/lavapipe.ts) is used: VK_ICD_FILENAMES is set for
 * this process only, before Dawn's next instance is created.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { lavapipeIcd, vulkanIcdFiles } from './lavapipe';

/** What `lrlab info` says about the adapter (GPUAdapterInfo plus the limits that bound memory). */
export interface WebgpuAdapterReport {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** True for a software rasterizer (lavapipe/llvmpipe, SwiftShader): correct, but slow. */
  readonly software: boolean;
  /** How it was found: the system's drivers, or LR Lab's own lavapipe (with its ICD file). */
  readonly driver: 'system' | 'lrlab-lavapipe';
  readonly icd: string | null;
  /** Adapter limits (bytes or counts), among them maxBufferSize and maxStorageBufferBindingSize. */
  readonly limits: Readonly<Record<string, number>>;
}

interface GpuAdapterLike {
  readonly info: Record<string, unknown>;
  readonly limits: Record<string, number>;
  readonly features: { has(name: string): boolean };
  requestDevice(desc: unknown): Promise<GpuDeviceLike>;
}
interface GpuDeviceLike {
  destroy(): void;
  readonly lost: Promise<unknown>;
}
interface GpuLike {
  requestAdapter(options?: unknown): Promise<GpuAdapterLike | null>;
}
interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

const LIMIT_NAMES = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

const nodeRequire = createRequire(import.meta.url);

let dawn: DawnModule | null = null;
let state: { gpu: GpuLike; device: GpuDeviceLike; report: WebgpuAdapterReport } | null = null;
let registered = false;

function errorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]?.slice(0, 200) ?? msg;
}

/** True for adapters that run on the CPU. */
export function isSoftwareAdapter(info: Record<string, unknown>): boolean {
  if (info['isFallbackAdapter'] === true) return true;
  if (String(info['architecture'] ?? '').toLowerCase() === 'software') return true;
  const text = `${String(info['description'] ?? '')} ${String(info['device'] ?? '')}`.toLowerCase();
  return /llvmpipe|lavapipe|swiftshader|softpipe|microsoft basic render/.test(text);
}

async function loadDawn(): Promise<DawnModule> {
  if (dawn) return dawn;
  // The package is an ES module; a dynamic import keeps dawn.node (21 MB) unloaded until needed.
  const mod = (await import('webgpu')) as unknown as DawnModule;
  // tfjs-backend-webgpu uses the WebGPU enums (GPUBufferUsage, GPUMapMode, …) as globals.
  for (const [k, v] of Object.entries(mod.globals)) {
    if (!(k in globalThis)) Object.defineProperty(globalThis, k, { value: v, configurable: true, writable: true });
  }
  dawn = mod;
  return mod;
}

/**
 * A new Dawn instance per request (the Vulkan loader reads VK_ICD_FILENAMES when one is made).
 * The instance must outlive its adapter and device: Dawn crashes (SIGSEGV) when a collected
 * instance takes a live device with it, so it is kept with them.
 */
async function requestAdapter(d: DawnModule): Promise<{ gpu: GpuLike; adapter: GpuAdapterLike | null }> {
  const gpu = d.create([]);
  return { gpu, adapter: await gpu.requestAdapter({ powerPreference: 'high-performance' }) };
}

function describeAdapter(a: GpuAdapterLike, driver: WebgpuAdapterReport['driver'], icd: string | null): WebgpuAdapterReport {
  const info = a.info;
  const limits: Record<string, number> = {};
  for (const n of LIMIT_NAMES) {
    const v = a.limits[n];
    if (typeof v === 'number') limits[n] = v;
  }
  return {
    vendor: String(info['vendor'] ?? ''),
    architecture: String(info['architecture'] ?? ''),
    device: String(info['device'] ?? ''),
    description: String(info['description'] ?? ''),
    software: isSoftwareAdapter(info),
    driver,
    icd,
    limits,
  };
}

/** One line naming the adapter, for summaries. */
export function adapterLine(r: WebgpuAdapterReport): string {
  const name = r.description || [r.vendor, r.architecture, r.device].filter(Boolean).join(' ') || 'unknown adapter';
  const soft = r.software ? ', a software driver on the CPU: correct but slow, no measure of GPU speed' : '';
  const own = r.driver === 'lrlab-lavapipe' ? ` (LR Lab's lavapipe, ${r.icd ?? ''})` : '';
  return `${name}${own}${soft}`;
}

/**
 * Finds an adapter and makes `webgpu` the tfjs backend. Returns null on success, else why not.
 * `forced`: also take a software adapter, and fall back to LR Lab's lavapipe.
 */
export async function tryWebgpu(forced: boolean, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  if (state && registered) {
    if (!forced && state.report.software) return `only a software adapter: ${adapterLine(state.report)}; force it with --backend webgpu`;
    return (await tf.setBackend('webgpu')) ? null : 'the webgpu backend failed to initialize';
  }
  const platformDir = `${process.platform}-${process.platform === 'darwin' ? 'universal' : process.arch}`;
  try {
    nodeRequire.resolve('webgpu/package.json');
  } catch {
    return 'the npm package webgpu (Dawn) is not installed';
  }
  const ownIcd = process.platform === 'linux' ? lavapipeIcd(env) : null;
  // On Linux, Dawn can only find an adapter through a Vulkan driver (ICD): say so without loading it.
  if (process.platform === 'linux' && vulkanIcdFiles(env).length === 0 && !(forced && ownIcd)) {
    return `no Vulkan driver is installed (no ICD file in /usr/share/vulkan/icd.d or VK_ICD_FILENAMES)${
      forced ? '; for a software one run `npm run setup:lavapipe`' : ''
    }`;
  }
  let d: DawnModule;
  try {
    d = await loadDawn();
  } catch (e) {
    return `Dawn (npm webgpu, dist/${platformDir}/dawn.node) failed to load: ${errorText(e)}${
      process.platform === 'linux' ? ' (it needs the Vulkan loader libvulkan.so.1: apt-get install libvulkan1)' : ''
    }`;
  }
  let adapter: GpuAdapterLike | null = null;
  let gpu: GpuLike | null = null;
  let driver: WebgpuAdapterReport['driver'] = 'system';
  let icd: string | null = null;
  try {
    if (process.platform !== 'linux' || vulkanIcdFiles(env).length > 0) ({ gpu, adapter } = await requestAdapter(d));
    const software = adapter !== null && isSoftwareAdapter(adapter.info);
    if (!forced && (adapter === null || software)) {
      return adapter === null
        ? 'Dawn found no GPU adapter (no working Vulkan, Metal or D3D12 driver)'
        : `only a software adapter: ${adapterLine(describeAdapter(adapter, 'system', null))}; slower than wasm, so only used when forced (--backend webgpu)`;
    }
    if ((adapter === null || software) && ownIcd && env['VK_ICD_FILENAMES'] === undefined && env['VK_DRIVER_FILES'] === undefined) {
      // Forced with no hardware adapter: LR Lab's own lavapipe, for this process only.
      process.env['VK_ICD_FILENAMES'] = ownIcd;
      const own = await requestAdapter(d);
      if (own.adapter) {
        adapter = own.adapter;
        gpu = own.gpu;
        driver = 'lrlab-lavapipe';
        icd = ownIcd;
      } else {
        delete process.env['VK_ICD_FILENAMES'];
      }
    }
    if (adapter === null || gpu === null) {
      return `Dawn found no adapter${process.platform === 'linux' ? (ownIcd ? ` (LR Lab's lavapipe at ${ownIcd} did not load either)` : '; for a software one run `npm run setup:lavapipe`') : ''}`;
    }
  } catch (e) {
    return `Dawn could not list adapters: ${errorText(e)}`;
  }
  let device: GpuDeviceLike;
  try {
    const L = adapter.limits;
    const requiredLimits: Record<string, number> = {};
    for (const n of ['maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup']) {
      const v = L[n];
      if (typeof v === 'number') requiredLimits[n] = v;
    }
    const requiredFeatures = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
    device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  } catch (e) {
    return `the adapter refused a device: ${errorText(e)}`;
  }
  try {
    const report = describeAdapter(adapter, driver, icd);
    type BackendClass = new (device: unknown, info: unknown) => tf.KernelBackend;
    const mod = (await import('@tensorflow/tfjs-backend-webgpu')) as unknown as { WebGPUBackend?: BackendClass; default?: { WebGPUBackend?: BackendClass } };
    // Bundled (the GPU check's pack) the package's CommonJS build arrives as `default`.
    const WebGPUBackend = mod.WebGPUBackend ?? mod.default?.WebGPUBackend;
    if (!WebGPUBackend) throw new Error('@tensorflow/tfjs-backend-webgpu exports no WebGPUBackend');
    const info = adapter.info;
    // Imported first, so its own factory (which would pick an adapter of its choosing) is not
    // registered; the backend's constructor then only checks that navigator.gpu exists.
    exposeGpu(gpu);
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', () => new WebGPUBackend(device, info), 0);
    registered = true;
    state = { gpu, device, report };
    if (!(await tf.setBackend('webgpu'))) return 'the webgpu backend failed to initialize';
    return null;
  } catch (e) {
    device.destroy();
    return `tfjs-backend-webgpu failed: ${errorText(e)}`;
  }
}

let navigatorAdded: 'global' | 'gpu' | null = null;

/** navigator.gpu, which tfjs-backend-webgpu checks for (Node ≤ 20 has no navigator; 21+ one without gpu). */
function exposeGpu(gpu: GpuLike): void {
  const g = globalThis as { navigator?: object };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    navigatorAdded = 'global';
  } else if (!('gpu' in g.navigator)) {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
    navigatorAdded = 'gpu';
  }
}

function hideGpu(): void {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (navigatorAdded === 'global') delete g.navigator;
  else if (navigatorAdded === 'gpu' && g.navigator) delete g.navigator.gpu;
  navigatorAdded = null;
}

/** The adapter the webgpu backend runs on, or null when it was not initialized. */
export function webgpuAdapter(): WebgpuAdapterReport | null {
  return state?.report ?? null;
}

/**
 * Releases the backend and the device (Node does not exit while a Dawn device lives). The next
 * `tryWebgpu` starts over.
 */
export function shutdownWebgpu(): void {
  if (registered) {
    try {
      if (tf.findBackend('webgpu')) tf.removeBackend('webgpu');
      else if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    } catch {
      // already gone
    }
    registered = false;
  }
  hideGpu();
  if (state) {
    try {
      state.device.destroy();
    } catch {
      // already destroyed
    }
    state = null;
  }
}
