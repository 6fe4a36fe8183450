/**
 * Finds, loads and caches the image datasets. A dataset is parsed once per process and kept
 * as typed arrays (`loadDataset` returns the same object for the same name and path).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CIFAR10_RECORD_BYTES, CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES, loadCifar10 } from './cifar10';
import { DatasetFileError } from './errors';
import { isGzip, readIdxPair } from './idx';
import { NORMALIZATION } from './normalize';
import { DATASET_FACTS, type DatasetName, type ImageDataset, type ProgressCallback } from './types';

/** Folders searched when a spec gives no path: $LRLAB_DATA_DIR/<name>, then Debian's packages. */
export function defaultDatasetDirs(name: DatasetName, env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs: string[] = [];
  const root = env['LRLAB_DATA_DIR'];
  if (root) dirs.push(join(root, name));
  if (name === 'fashion-mnist') dirs.push('/usr/share/datasets/fashion-mnist');
  if (name === 'mnist') dirs.push('/usr/share/datasets/mnist');
  return dirs;
}

const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** The IDX file `base` in `dir`, gzipped or not, or null. */
async function findIdx(dir: string, base: string): Promise<string | null> {
  for (const n of [base, `${base}.gz`, base.replace(/-idx(\d)-/, '.idx$1-')]) {
    if (await exists(join(dir, n))) return join(dir, n);
  }
  return null;
}

export interface LoadDatasetOptions {
  readonly name: DatasetName;
  /** Folder (IDX files, or CIFAR's .bin files) or CIFAR's .tar.gz; default: the known locations. */
  readonly path?: string;
  readonly verifyChecksum?: boolean;
  readonly onProgress?: ProgressCallback;
}

const cache = new Map<string, Promise<ImageDataset>>();

/** Loads (once per process) and returns the dataset. */
export function loadDataset(options: LoadDatasetOptions): Promise<ImageDataset> {
  const key = `${options.name}\0${options.path ?? ''}\0${options.verifyChecksum ?? true}`;
  let p = cache.get(key);
  if (!p) {
    p = loadUncached(options);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

/** Drops every cached dataset (tests, or to free memory). */
export function clearDatasetCache(): void {
  cache.clear();
}

async function resolvePath(options: LoadDatasetOptions): Promise<string> {
  if (options.path) return options.path;
  for (const d of defaultDatasetDirs(options.name)) if (await exists(d)) return d;
  const hint =
    options.name === 'cifar10'
      ? 'give dataset.path: the folder with data_batch_1..5.bin and test_batch.bin, or cifar-10-binary.tar.gz'
      : `install Debian's dataset-${options.name} package or give dataset.path (a folder with the IDX files)`;
  throw new Error(`Dataset ${options.name} not found (looked in ${defaultDatasetDirs(options.name).join(', ') || 'no default folder'}); ${hint}.`);
}

async function loadUncached(options: LoadDatasetOptions): Promise<ImageDataset> {
  const path = await resolvePath(options);
  const norm = NORMALIZATION[options.name];
  if (options.name === 'cifar10') {
    const d = await loadCifar10(path, { verifyChecksum: options.verifyChecksum ?? true, onProgress: options.onProgress });
    return { name: 'cifar10', source: path, height: 32, width: 32, channels: 3, classes: 10, train: d.train, test: d.test, ...norm };
  }
  const f = await idxFiles(path);
  const train = await readIdxPair(f.trainImages, f.trainLabels, 10);
  options.onProgress?.(1, 2);
  const test = await readIdxPair(f.testImages, f.testLabels, 10);
  options.onProgress?.(2, 2);
  if (test.height !== train.height || test.width !== train.width) {
    throw new DatasetFileError(f.testImages, 8, `test images are ${test.height}×${test.width}, training images ${train.height}×${train.width}`);
  }
  return {
    name: options.name,
    source: path,
    height: train.height,
    width: train.width,
    channels: 1,
    classes: 10,
    train: { pixels: train.pixels, labels: train.labels, count: train.count },
    test: { pixels: test.pixels, labels: test.labels, count: test.count },
    ...norm,
  };
}

async function idxFiles(dir: string): Promise<Record<keyof typeof IDX_FILES, string>> {
  const out: Partial<Record<keyof typeof IDX_FILES, string>> = {};
  for (const [k, base] of Object.entries(IDX_FILES) as [keyof typeof IDX_FILES, string][]) {
    const p = await findIdx(dir, base);
    if (!p) throw new DatasetFileError(join(dir, base), null, `missing (an IDX folder needs ${Object.values(IDX_FILES).join(', ')}, each optionally .gz)`);
    out[k] = p;
  }
  return out as Record<keyof typeof IDX_FILES, string>;
}

export interface KnownDataset {
  readonly name: DatasetName;
  readonly path: string;
  readonly format: 'idx' | 'cifar-bin-folder' | 'cifar-tar-gz';
  /** Null where counting would need the whole archive decompressed. */
  readonly trainCount: number | null;
  readonly testCount: number | null;
  readonly imageShape: readonly [number, number, number];
  /** Bytes on disk. */
  readonly sizeBytes: number;
}

async function idxCount(labelsPath: string): Promise<number> {
  let buf: Uint8Array = await readFile(labelsPath);
  if (isGzip(buf)) buf = gunzipSync(buf);
  if (buf.length < 8) throw new DatasetFileError(labelsPath, 0, 'too short for an IDX header');
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(4, false);
}

/**
 * What datasets this machine has, at the default locations plus `extraPaths`
 * (for the host's datasets service). Only headers and sizes are read, never whole images.
 */
export async function listKnownDatasets(extraPaths: readonly { name: DatasetName; path: string }[] = []): Promise<KnownDataset[]> {
  const candidates: { name: DatasetName; path: string }[] = [];
  for (const name of ['cifar10', 'fashion-mnist', 'mnist'] as const) for (const path of defaultDatasetDirs(name)) candidates.push({ name, path });
  candidates.push(...extraPaths);
  const found: KnownDataset[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    const key = `${c.name}\0${c.path}`;
    if (seen.has(key) || !(await exists(c.path))) continue;
    seen.add(key);
    try {
      const k = await describeDataset(c.name, c.path);
      if (k) found.push(k);
    } catch {
      /* unreadable: not listed */
    }
  }
  return found;
}

async function describeDataset(name: DatasetName, path: string): Promise<KnownDataset | null> {
  const info = await stat(path);
  if (name === 'cifar10') {
    if (!info.isDirectory()) {
      return { name, path, format: 'cifar-tar-gz', trainCount: null, testCount: null, imageShape: DATASET_FACTS.cifar10.imageShape, sizeBytes: info.size };
    }
    let base = path;
    if (await exists(join(path, 'cifar-10-batches-bin', CIFAR10_TEST_FILE))) base = join(path, 'cifar-10-batches-bin');
    let trainBytes = 0;
    for (const f of CIFAR10_TRAIN_FILES) trainBytes += (await stat(join(base, f))).size;
    const testBytes = (await stat(join(base, CIFAR10_TEST_FILE))).size;
    return {
      name,
      path,
      format: 'cifar-bin-folder',
      trainCount: Math.floor(trainBytes / CIFAR10_RECORD_BYTES),
      testCount: Math.floor(testBytes / CIFAR10_RECORD_BYTES),
      imageShape: DATASET_FACTS.cifar10.imageShape,
      sizeBytes: trainBytes + testBytes,
    };
  }
  if (!info.isDirectory()) return null;
  const f = await idxFiles(path);
  let size = 0;
  for (const p of Object.values(f)) size += (await stat(p)).size;
  return { name, path, format: 'idx', trainCount: await idxCount(f.trainLabels), testCount: await idxCount(f.testLabels), imageShape: DATASET_FACTS[name].imageShape, sizeBytes: size };
}
