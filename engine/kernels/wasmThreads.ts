/**
 * Multithreaded wasm under Node. tfjs-backend-wasm 4.22 ships a threaded SIMD build
 * (XNNPACK on a pthread pool of Node worker threads), but in Node it never uses it:
 *   1. the flag WASM_HAS_MULTITHREAD_SUPPORT is hard-wired to false when IS_NODE (tfjs #3830);
 *   2. the pthread worker script is handed to Emscripten as a blob: URL, which Node's
 *      worker_threads refuse (ERR_WORKER_PATH), and the worker then loads the main script
 *      from another blob;
 *   3. the pool is capped at os.cpus().length / 2 (it assumes 2 hyperthreads per core), so a
 *      2-vCPU machine gets 1 thread.
 * `initWasmThreaded` works around the three, only for the duration of the backend's
 * initialization: it sets the flag, writes the worker script to a private file (with a one-line
 * shim that points the worker's blob load at the package's own threaded-simd.js), and
 * reports the logical cores as "physical" (×2) while Emscripten reads them.
 * Call it before anything initializes the wasm backend; afterwards `initBackend` finds the
 * backend ready. Node only (it uses node:fs, node:os, node:module).
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import type { CpuInfo } from 'node:os';
import { dirname, join } from 'node:path';

const nodeRequire = createRequire(import.meta.url);

interface OsModule {
  cpus: () => CpuInfo[];
}

export interface WasmThreadsResult {
  /** Threads XNNPACK actually uses (1 when the threaded build could not start). */
  readonly threads: number;
  /** Why fewer threads than asked for, if so. */
  readonly reason: string | null;
}

/**
 * Writes the worker script where no other user can plant or swap it: a fresh folder from
 * `mkdtemp` (mode 0700, ours), the file created exclusively (mode 0600), then read back and
 * compared byte for byte with what was meant, so what the workers run is what we wrote.
 * A predictable shared name (the old `/tmp/lrlab-tfjs-wasm-worker-<hash>.cjs`, reused when
 * present) would let another user of a shared machine run code in this process.
 * The folder is removed when the process exits. Returns the file's path.
 */
export function writePrivateWorkerScript(script: string, parent: string = tmpdir()): string {
  const dir = mkdtempSync(join(parent, 'lrlab-wasm-'));
  const file = join(dir, 'tfjs-wasm-worker.cjs');
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, script);
    const st = fstatSync(fd);
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) throw new Error(`${file} is not owned by this user`);
  } finally {
    closeSync(fd);
  }
  verifyWorkerScript(file, script);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return file;
}

/** Throws unless `file` holds exactly `script` (checked before the workers are pointed at it). */
export function verifyWorkerScript(file: string, script: string): void {
  const want = createHash('sha256').update(script).digest('hex');
  const got = createHash('sha256').update(readFileSync(file)).digest('hex');
  if (got !== want) throw new Error(`the worker script at ${file} is not the one LR Lab wrote (sha256 ${got.slice(0, 12)}…, expected ${want.slice(0, 12)}…)`);
}

interface WasmModule {
  setWasmPaths(prefix: string): void;
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

function workerScript(pkgDir: string): string {
  const { wasmWorkerContents } = nodeRequire(join(pkgDir, 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  const mainScript = join(pkgDir, 'wasm-out/tfjs-backend-wasm-threaded-simd.js');
  // The worker receives the main script as a Blob; make its blob URL the package file,
  // which its importScripts reads with fs. Newlines are re-escaped as tfjs does for its Blob.
  const shim = `URL.createObjectURL = () => ${JSON.stringify(mainScript)}; URL.revokeObjectURL = () => {};\n`;
  return shim + wasmWorkerContents.replace(/\n/g, '\\n');
}

/** Initializes the wasm backend with `threads` XNNPACK threads (default: all logical cores). */
export async function initWasmThreaded(threads?: number): Promise<WasmThreadsResult> {
  // The CommonJS module object (the one Emscripten's glue holds), so a patch is seen there.
  const os = nodeRequire('node:os') as OsModule;
  const want = Math.max(1, Math.floor(threads ?? os.cpus().length));
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmModule;
  if (tf.engine().registry['wasm']) {
    return { threads: wasm.getThreadsCount(), reason: 'the wasm backend was already initialized' };
  }
  const pkgDir = dirname(nodeRequire.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  let file: string;
  let script: string;
  try {
    script = workerScript(pkgDir);
    file = writePrivateWorkerScript(script);
  } catch (e) {
    return { threads: 1, reason: `the threaded wasm build's worker script could not be written (${e instanceof Error ? e.message : String(e)})` };
  }

  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  URL.createObjectURL = (obj: Blob) => (obj instanceof Blob && obj.type === 'application/javascript' ? file : createObjectURL(obj));
  // Emscripten's pool size is min(asked, logicalCores / 2): report twice the cores.
  os.cpus = () => [...cpus(), ...cpus()];
  try {
    verifyWorkerScript(file, script); // again, right before the pool starts its workers on it
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount(want);
    wasm.setWasmPaths(join(pkgDir, 'dist') + '/');
    const ok = await tf.setBackend('wasm');
    if (!ok) {
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      return { threads: 1, reason: 'the threaded wasm build failed to initialize' };
    }
  } catch (e) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    return { threads: 1, reason: `the threaded wasm build failed: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
  const got = wasm.getThreadsCount();
  return { threads: got, reason: got < want ? `XNNPACK started ${got} of ${want} threads` : null };
}
