import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { clearDatasetCache, listKnownDatasets, loadDataset } from './datasets';
import { DatasetFileError } from './errors';
import { parseIdx, readIdxPair } from './idx';
import { makeIdx } from './testFiles';

const dir = mkdtempSync(join(tmpdir(), 'lrlab-idx-'));

function writeSet(folder: string, gz: boolean, n = 5, labelsOverride?: Uint8Array): void {
  const images = Uint8Array.from({ length: n * 28 * 28 }, (_, i) => (i * 7) % 256);
  const labels = labelsOverride ?? Uint8Array.from({ length: n }, (_, i) => i % 10);
  const w = (name: string, data: Uint8Array): void => writeFileSync(join(folder, gz ? `${name}.gz` : name), gz ? gzipSync(data) : data);
  w('train-images-idx3-ubyte', makeIdx([n, 28, 28], images));
  w('train-labels-idx1-ubyte', makeIdx([n], labels));
  w('t10k-images-idx3-ubyte', makeIdx([n, 28, 28], images));
  w('t10k-labels-idx1-ubyte', makeIdx([n], labels));
}

describe('IDX loader', () => {
  it.each([false, true])('round-trips images and labels (gzip %s)', async (gz) => {
    const folder = mkdtempSync(join(dir, 'set-'));
    writeSet(folder, gz);
    clearDatasetCache();
    const ds = await loadDataset({ name: 'fashion-mnist', path: folder });
    expect(ds.train.count).toBe(5);
    expect([ds.height, ds.width, ds.channels]).toEqual([28, 28, 1]);
    expect(ds.train.pixels[10]).toBe(70);
    expect([...ds.train.labels]).toEqual([0, 1, 2, 3, 4]);
    // Cached: the same object, never re-parsed.
    expect(await loadDataset({ name: 'fashion-mnist', path: folder })).toBe(ds);
    const known = await listKnownDatasets([{ name: 'fashion-mnist', path: folder }]);
    const mine = known.find((k) => k.path === folder);
    expect(mine).toMatchObject({ trainCount: 5, testCount: 5, format: 'idx', imageShape: [28, 28, 1] });
  });

  it('names the file and offset of bad headers, truncation and trailing bytes', () => {
    expect(() => parseIdx(Uint8Array.from([1, 0, 8, 1]), 'f.idx')).toThrow(/f\.idx \(byte 0\).*not an IDX/);
    expect(() => parseIdx(Uint8Array.from([0, 0, 0x0d, 1]), 'f.idx')).toThrow(/byte 2.*data type/);
    const good = makeIdx([4], Uint8Array.from([1, 2, 3, 4]));
    expect(() => parseIdx(good.subarray(0, good.length - 1), 'f.idx')).toThrow(/f\.idx \(byte 11\): truncated/);
    const extra = new Uint8Array(good.length + 2);
    extra.set(good);
    expect(() => parseIdx(extra, 'f.idx')).toThrow(/byte 12.*unexpected bytes/);
    expect(() => parseIdx(good, 'f.idx')).not.toThrow();
  });

  it('rejects labels out of range, count mismatches and corrupt gzip, naming the file', async () => {
    const folder = mkdtempSync(join(dir, 'bad-'));
    writeSet(folder, false, 5, Uint8Array.from([0, 1, 12, 3, 4]));
    await expect(readIdxPair(join(folder, 'train-images-idx3-ubyte'), join(folder, 'train-labels-idx1-ubyte'), 10)).rejects.toThrow(
      /train-labels-idx1-ubyte \(byte 10\): label 12 is out of range/,
    );
    writeFileSync(join(folder, 'train-labels-idx1-ubyte'), makeIdx([4], Uint8Array.from([0, 1, 2, 3])));
    await expect(readIdxPair(join(folder, 'train-images-idx3-ubyte'), join(folder, 'train-labels-idx1-ubyte'), 10)).rejects.toThrow(/4 labels for 5 images/);
    writeFileSync(join(folder, 'train-labels-idx1-ubyte'), Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    const err = await readIdxPair(join(folder, 'train-images-idx3-ubyte'), join(folder, 'train-labels-idx1-ubyte'), 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetFileError);
    expect(String(err)).toMatch(/train-labels-idx1-ubyte: gzip data is corrupt/);
  });

  it('says which file is missing', async () => {
    const folder = mkdtempSync(join(dir, 'missing-'));
    clearDatasetCache();
    await expect(loadDataset({ name: 'mnist', path: folder })).rejects.toThrow(/train-images-idx3-ubyte: missing/);
  });
});
