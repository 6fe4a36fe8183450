/**
 * CIFAR-10 binary release: `data_batch_1..5.bin` and `test_batch.bin`, each a run of
 * 3073-byte records (1 label byte, then 1024 R, 1024 G, 1024 B bytes, rows top to bottom).
 * Read from a folder holding them or straight from the official `cifar-10-binary.tar.gz`.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DatasetFileError } from './errors';
import { readTarGz } from './tar';
import type { ProgressCallback } from './types';

export const CIFAR10_TAR_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';
export const CIFAR10_TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'] as const;
export const CIFAR10_TEST_FILE = 'test_batch.bin';
const SIDE = 32;
const PLANE = SIDE * SIDE;
export const CIFAR10_RECORD_BYTES = 1 + 3 * PLANE;
/** A batch file holds at most 10 000 records (the release's size, 30 730 000 bytes). */
export const CIFAR10_BATCH_MAX_BYTES = 10_000 * CIFAR10_RECORD_BYTES;
/** The release archive is 170 052 171 bytes gzipped and ~185 MB as a plain tar: bounds with room. */
export const CIFAR10_ARCHIVE_MAX_BYTES = 200 * 1024 * 1024;
export const CIFAR10_UNPACKED_MAX_BYTES = 200 * 1024 * 1024;

export interface CifarRecords {
  /** HWC bytes. */
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

/** Parses one batch file's bytes; the channel planes become HWC. `file` names it in errors. */
export function parseCifarBatch(buf: Uint8Array, file: string): CifarRecords {
  if (buf.length === 0) throw new DatasetFileError(file, 0, 'file is empty');
  if (buf.length % CIFAR10_RECORD_BYTES !== 0) {
    const whole = Math.floor(buf.length / CIFAR10_RECORD_BYTES);
    throw new DatasetFileError(
      file,
      whole * CIFAR10_RECORD_BYTES,
      `truncated record: size ${buf.length} is not a multiple of ${CIFAR10_RECORD_BYTES} (record ${whole} has ${buf.length - whole * CIFAR10_RECORD_BYTES} bytes)`,
    );
  }
  const count = buf.length / CIFAR10_RECORD_BYTES;
  const pixels = new Uint8Array(count * 3 * PLANE);
  const labels = new Uint8Array(count);
  for (let r = 0; r < count; r++) {
    const at = r * CIFAR10_RECORD_BYTES;
    const y = buf[at] ?? 0;
    if (y > 9) throw new DatasetFileError(file, at, `label ${y} of record ${r} is out of range 0–9`);
    labels[r] = y;
    const out = r * 3 * PLANE;
    for (let p = 0; p < PLANE; p++) {
      pixels[out + 3 * p] = buf[at + 1 + p] ?? 0;
      pixels[out + 3 * p + 1] = buf[at + 1 + PLANE + p] ?? 0;
      pixels[out + 3 * p + 2] = buf[at + 1 + 2 * PLANE + p] ?? 0;
    }
  }
  return { pixels, labels, count };
}

function join2(parts: readonly CifarRecords[]): CifarRecords {
  const count = parts.reduce((s, p) => s + p.count, 0);
  const pixels = new Uint8Array(count * 3 * PLANE);
  const labels = new Uint8Array(count);
  let n = 0;
  for (const p of parts) {
    pixels.set(p.pixels, n * 3 * PLANE);
    labels.set(p.labels, n);
    n += p.count;
  }
  return { pixels, labels, count };
}

export interface CifarLoadOptions {
  /** Check the archive's MD5 against the official release (default true). */
  readonly verifyChecksum?: boolean;
  readonly onProgress?: ProgressCallback;
}

export interface CifarData {
  readonly train: CifarRecords;
  readonly test: CifarRecords;
}

/** Loads from a folder with the six .bin files, or from the .tar.gz (or .tar) release. */
export async function loadCifar10(path: string, options: CifarLoadOptions = {}): Promise<CifarData> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new DatasetFileError(path, null, 'not found: give the folder with data_batch_1..5.bin and test_batch.bin, or cifar-10-binary.tar.gz');
  }
  if (info.isDirectory()) return loadCifarFolder(path, options);
  if (!info.isFile()) throw new DatasetFileError(path, null, 'not a regular file (a device, FIFO or socket): give cifar-10-binary.tar.gz or the folder of .bin files');
  return loadCifarArchive(path, options);
}

async function loadCifarFolder(dir: string, options: CifarLoadOptions): Promise<CifarData> {
  const names = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE];
  // The release nests them in cifar-10-batches-bin/; accept either layout.
  let base = dir;
  try {
    await stat(join(dir, 'cifar-10-batches-bin', CIFAR10_TEST_FILE));
    base = join(dir, 'cifar-10-batches-bin');
  } catch {
    /* flat layout */
  }
  // Every file is checked before any is read: a regular file no larger than a full batch.
  const sizes: number[] = [];
  for (const n of names) {
    const file = join(base, n);
    let st;
    try {
      st = await stat(file);
    } catch {
      throw new DatasetFileError(file, null, `missing (a CIFAR-10 folder needs ${names.join(', ')})`);
    }
    if (!st.isFile()) throw new DatasetFileError(file, null, 'not a regular file (a device, FIFO, socket or folder)');
    if (st.size > CIFAR10_BATCH_MAX_BYTES) throw new DatasetFileError(file, null, `${st.size} bytes is more than a CIFAR-10 batch holds (${CIFAR10_BATCH_MAX_BYTES})`);
    sizes.push(st.size);
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  const parsed: CifarRecords[] = [];
  let done = 0;
  for (const n of names) {
    const file = join(base, n);
    let buf: Uint8Array;
    try {
      buf = await readFile(file);
    } catch (e) {
      throw new DatasetFileError(file, null, `cannot be read (${e instanceof Error ? e.message : String(e)})`);
    }
    parsed.push(parseCifarBatch(buf, file));
    done += buf.length;
    options.onProgress?.(done, total);
  }
  return { train: join2(parsed.slice(0, 5)), test: parsed[5] as CifarRecords };
}

async function loadCifarArchive(file: string, options: CifarLoadOptions): Promise<CifarData> {
  const wanted = new Set<string>([...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE]);
  const { entries, md5 } = await readTarGz(file, (name) => wanted.has(basename(name)), options.onProgress, {
    maxBytes: CIFAR10_ARCHIVE_MAX_BYTES,
    maxUnpackedBytes: CIFAR10_UNPACKED_MAX_BYTES,
  });
  if ((options.verifyChecksum ?? true) && md5 !== CIFAR10_TAR_MD5) {
    throw new DatasetFileError(
      file,
      null,
      `MD5 ${md5} differs from the official cifar-10-binary.tar.gz (${CIFAR10_TAR_MD5}); the download is corrupt or a different file. Set dataset.verifyChecksum to false to use it anyway.`,
    );
  }
  const byName = new Map<string, TarEntry>();
  for (const e of entries) byName.set(basename(e.name), e);
  const get = (n: string): CifarRecords => {
    const e = byName.get(n);
    if (!e) throw new DatasetFileError(file, null, `archive has no ${n} (found: ${[...byName.keys()].join(', ') || 'none'})`);
    return parseCifarBatch(e.data, `${file}:${e.name}`);
  };
  return { train: join2(CIFAR10_TRAIN_FILES.map(get)), test: get(CIFAR10_TEST_FILE) };
}

type TarEntry = { readonly name: string; readonly data: Uint8Array };
