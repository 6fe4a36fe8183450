import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES, loadCifar10, parseCifarBatch } from './cifar10';
import { clearDatasetCache, listKnownDatasets, loadDataset } from './datasets';
import { makeCifarRecords, makeTar } from './testFiles';

const dir = mkdtempSync(join(tmpdir(), 'lrlab-cifar-'));
const pixel = (i: number, r: number, c: number, ch: number): number => i * 31 + r * 3 + c * 5 + ch * 100;
const batches = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].map((name, b) => ({
  name,
  data: makeCifarRecords([b % 10, (b + 3) % 10], (i, r, c, ch) => pixel(i + 2 * b, r, c, ch)),
}));

describe('CIFAR-10 binary loader', () => {
  it('turns channel planes into HWC and keeps labels', () => {
    const recs = parseCifarBatch(makeCifarRecords([3, 9], pixel), 'x.bin');
    expect(recs.count).toBe(2);
    expect([...recs.labels]).toEqual([3, 9]);
    // image 1, row 4, col 5, channel 2
    expect(recs.pixels[1 * 3072 + (4 * 32 + 5) * 3 + 2]).toBe(pixel(1, 4, 5, 2) & 255);
  });

  it('reports truncated records and bad labels with the byte offset', () => {
    const recs = makeCifarRecords([1, 2], pixel);
    expect(() => parseCifarBatch(recs.subarray(0, 3073 + 100), 'd.bin')).toThrow(/d\.bin \(byte 3073\): truncated record/);
    recs[3073] = 10;
    expect(() => parseCifarBatch(recs, 'd.bin')).toThrow(/d\.bin \(byte 3073\): label 10 of record 1 is out of range/);
    expect(() => parseCifarBatch(new Uint8Array(0), 'e.bin')).toThrow(/e\.bin \(byte 0\): file is empty/);
  });

  it('loads a folder (flat or cifar-10-batches-bin/) and lists it', async () => {
    const folder = join(dir, 'folder');
    mkdirSync(join(folder, 'cifar-10-batches-bin'), { recursive: true });
    for (const b of batches) writeFileSync(join(folder, 'cifar-10-batches-bin', b.name), b.data);
    const d = await loadCifar10(folder);
    expect(d.train.count).toBe(10);
    expect(d.test.count).toBe(2);
    expect([...d.train.labels.subarray(0, 4)]).toEqual([0, 3, 1, 4]);
    const known = await listKnownDatasets([{ name: 'cifar10', path: folder }]);
    expect(known.find((k) => k.path === folder)).toMatchObject({ format: 'cifar-bin-folder', trainCount: 10, testCount: 2 });
  });

  it('stream-extracts the .tar.gz, reports progress, and checks the MD5', async () => {
    const file = join(dir, 'cifar-10-binary.tar.gz');
    writeFileSync(file, makeTar(batches.map((b) => ({ name: `cifar-10-batches-bin/${b.name}`, data: b.data })).concat([{ name: 'cifar-10-batches-bin/readme.html', data: new Uint8Array(700) }])));
    await expect(loadCifar10(file)).rejects.toThrow(/MD5 [0-9a-f]{32} differs from the official cifar-10-binary\.tar\.gz \(c32a1d4ab5d03f1284b67883e8d87530\)/);
    const seen: number[] = [];
    const d = await loadCifar10(file, { verifyChecksum: false, onProgress: (done) => seen.push(done) });
    expect(d.train.count).toBe(10);
    expect(d.test.pixels).toEqual(parseCifarBatch(batches[5]?.data ?? new Uint8Array(), 't').pixels);
    expect(seen.length).toBeGreaterThan(0);
    clearDatasetCache();
    const ds = await loadDataset({ name: 'cifar10', path: file, verifyChecksum: false });
    expect([ds.height, ds.width, ds.channels, ds.train.count]).toEqual([32, 32, 3, 10]);
  });

  it('rejects a truncated archive, a non-tar and a missing member, naming the file', async () => {
    const tar = makeTar(batches.map((b) => ({ name: b.name, data: b.data })), false);
    const cut = join(dir, 'cut.tar');
    writeFileSync(cut, tar.subarray(0, 5000));
    await expect(loadCifar10(cut, { verifyChecksum: false })).rejects.toThrow(/cut\.tar \(byte 5000\): tar archive is truncated: member data_batch_1\.bin/);
    const junk = join(dir, 'junk.tar');
    writeFileSync(junk, new Uint8Array(1024).fill(7));
    await expect(loadCifar10(junk, { verifyChecksum: false })).rejects.toThrow(/junk\.tar \(byte 0\): tar header checksum mismatch/);
    const partial = join(dir, 'partial.tar.gz');
    writeFileSync(partial, makeTar(batches.slice(0, 5)));
    await expect(loadCifar10(partial, { verifyChecksum: false })).rejects.toThrow(/partial\.tar\.gz: archive has no test_batch\.bin/);
    const badgz = join(dir, 'bad.tar.gz');
    const gz = makeTar(batches);
    writeFileSync(badgz, gz.subarray(0, gz.length - 40));
    await expect(loadCifar10(badgz, { verifyChecksum: false })).rejects.toThrow(/bad\.tar\.gz: (gzip stream is corrupt or truncated|.*truncated)/);
  });
});
