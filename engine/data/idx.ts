/**
 * IDX files (MNIST, Fashion-MNIST), gzip-compressed or not: magic 0x0000 0x08 (unsigned byte)
 * then the rank, then one big-endian uint32 per dimension, then the bytes.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { DatasetFileError } from './errors';

export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/** Parses an IDX buffer (already decompressed). `file` only names it in errors. */
export function parseIdx(buf: Uint8Array, file: string): IdxArray {
  if (buf.length < 4) throw new DatasetFileError(file, 0, `too short for an IDX header (${buf.length} bytes)`);
  if (buf[0] !== 0 || buf[1] !== 0) throw new DatasetFileError(file, 0, 'not an IDX file (the first two bytes must be 0)');
  if (buf[2] !== 0x08) {
    throw new DatasetFileError(file, 2, `IDX data type 0x${(buf[2] ?? 0).toString(16)} is not unsigned byte (0x08)`);
  }
  const rank = buf[3] ?? 0;
  if (rank < 1 || rank > 4) throw new DatasetFileError(file, 3, `IDX rank ${rank} is not 1–4`);
  const headerBytes = 4 + 4 * rank;
  if (buf.length < headerBytes) throw new DatasetFileError(file, buf.length, `header needs ${headerBytes} bytes, file has ${buf.length}`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  let size = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    size *= d;
  }
  const expected = headerBytes + size;
  if (buf.length < expected) {
    throw new DatasetFileError(file, buf.length, `truncated: dimensions [${dims.join(', ')}] need ${expected} bytes, file ends at ${buf.length}`);
  }
  if (buf.length > expected) {
    throw new DatasetFileError(file, expected, `${buf.length - expected} unexpected bytes after the data (dimensions [${dims.join(', ')}])`);
  }
  return { dims, data: buf.subarray(headerBytes, expected) };
}

export async function readIdxFile(path: string): Promise<IdxArray> {
  let buf: Uint8Array = await readFile(path);
  if (isGzip(buf)) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw new DatasetFileError(path, null, `gzip data is corrupt (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return parseIdx(buf, path);
}

/** Reads an IDX image file and its label file; checks shapes and that labels are < classes. */
export async function readIdxPair(
  imagesPath: string,
  labelsPath: string,
  classes: number,
): Promise<{ pixels: Uint8Array; labels: Uint8Array; count: number; height: number; width: number }> {
  const [img, lab] = await Promise.all([readIdxFile(imagesPath), readIdxFile(labelsPath)]);
  if (img.dims.length !== 3) throw new DatasetFileError(imagesPath, 3, `image file must have rank 3 (count, rows, cols), has ${img.dims.length}`);
  if (lab.dims.length !== 1) throw new DatasetFileError(labelsPath, 3, `label file must have rank 1, has ${lab.dims.length}`);
  const [count, height, width] = img.dims as [number, number, number];
  if (lab.dims[0] !== count) {
    throw new DatasetFileError(labelsPath, 4, `${lab.dims[0]} labels for ${count} images in ${imagesPath}`);
  }
  const headerBytes = 8;
  for (let i = 0; i < count; i++) {
    const y = lab.data[i] ?? 0;
    if (y >= classes) throw new DatasetFileError(labelsPath, headerBytes + i, `label ${y} is out of range 0–${classes - 1}`);
  }
  // Copy out of the (possibly much larger) decompressed buffer so it can be freed.
  return { pixels: img.data.slice(), labels: lab.data.slice(), count, height, width };
}
