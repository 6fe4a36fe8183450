import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCifarRecords, makeTar } from '../../../engine/data/testFiles';
import { CIFAR10_BATCH_MAX_BYTES, CIFAR10_RECORD_BYTES, clearDatasetCache } from '../../../engine/data';
import { HostEvents } from '../host/events';
import { createDatasetsService } from './datasets';

const dirs: string[] = [];
const saved = process.env['LRLAB_DATA_DIR'];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  if (saved === undefined) delete process.env['LRLAB_DATA_DIR'];
  else process.env['LRLAB_DATA_DIR'] = saved;
  clearDatasetCache();
});

function cifarFiles(): { name: string; data: Uint8Array }[] {
  const batch = (n: number, off: number) => makeCifarRecords(Array.from({ length: n }, (_, i) => (i + off) % 10), (i, r, c, ch) => i + r + c + ch);
  return [
    ...[1, 2, 3, 4, 5].map((k) => ({ name: `cifar-10-batches-bin/data_batch_${k}.bin`, data: batch(4, k) })),
    { name: 'cifar-10-batches-bin/test_batch.bin', data: batch(3, 0) },
  ];
}

/** A temporary folder whose datasets/ is the data folder (LRLAB_DATA_DIR) for this test. */
function dataRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'lrlab-ds-'));
  dirs.push(root);
  process.env['LRLAB_DATA_DIR'] = join(root, 'datasets');
  return root;
}

/** The CIFAR-10 batch files, unpacked into `root`/cifar (an import from a folder). */
function cifarFolder(root: string): string {
  const folder = join(root, 'cifar');
  mkdirSync(folder);
  for (const f of cifarFiles()) writeFileSync(join(folder, f.name.split('/')[1]!), f.data);
  return folder;
}

describe('datasets service', () => {
  it('imports CIFAR-10 from an archive into the data folder and lists it with size and checksum', async () => {
    const root = dataRoot();
    const tar = join(root, 'cifar-10-binary.tar.gz');
    writeFileSync(tar, makeTar(cifarFiles()));
    const events = new HostEvents();
    const progress: number[] = [];
    events.subscribe((e, p) => {
      if (e === 'datasets.onDidImportProgress') progress.push((p as { done: number }).done);
    });
    const svc = createDatasetsService(join(root, 'datasets'), events);

    // Not the official release: refused while checksums are verified, nothing copied.
    await expect(svc.importCifar10({ path: tar, verifyChecksum: true })).rejects.toThrow(/MD5/i);
    expect(existsSync(join(root, 'datasets', 'cifar10'))).toBe(false);

    const info = await svc.importCifar10({ path: tar, verifyChecksum: false });
    expect(info).toMatchObject({ id: 'cifar10', found: true });
    expect(info.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(info.bytes).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(0);
    const listed = (await svc.list({})).find((d) => d.id === 'cifar10');
    expect(listed?.found).toBe(true);
    expect(listed?.path).toContain(join(root, 'datasets', 'cifar10'));
  });

  it('refuses a truncated batch file, naming it, and says what is missing', async () => {
    const root = dataRoot();
    const folder = cifarFolder(root);
    writeFileSync(join(folder, 'data_batch_3.bin'), cifarFiles()[2]!.data.subarray(0, 5000));
    const svc = createDatasetsService(join(root, 'datasets'), new HostEvents());
    await expect(svc.importCifar10({ path: folder, verifyChecksum: false })).rejects.toThrow(/data_batch_3\.bin/);
    await expect(svc.importCifar10({ path: join(root, 'nope.tar.gz'), verifyChecksum: false })).rejects.toThrow(/does not exist/);
    const cifar = (await svc.list({})).find((d) => d.id === 'cifar10');
    expect(cifar?.found).toBe(false);
    expect(cifar?.note).toMatch(/cifar-10-binary\.tar\.gz/);
  });

  it('refuses /dev/zero and a FIFO at once instead of reading them for ever, and bounds a folder\'s files', async () => {
    const root = dataRoot();
    const svc = createDatasetsService(join(root, 'datasets'), new HostEvents());
    const within = <T,>(p: T | Promise<T>): Promise<T> => Promise.race([Promise.resolve(p), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('still reading after 5 s')), 5000))]);
    await expect(within(svc.importCifar10({ path: '/dev/zero', verifyChecksum: false }))).rejects.toThrow(/not a regular file/);
    const fifo = join(root, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(within(svc.importCifar10({ path: fifo, verifyChecksum: false }))).rejects.toThrow(/not a regular file/);
    // a folder whose "batch" is a FIFO, or larger than a batch can be
    const folder = cifarFolder(root);
    rmSync(join(folder, 'data_batch_3.bin'));
    execFileSync('mkfifo', [join(folder, 'data_batch_3.bin')]);
    await expect(within(svc.importCifar10({ path: folder, verifyChecksum: false }))).rejects.toThrow(/data_batch_3\.bin: not a regular file/);
    rmSync(join(folder, 'data_batch_3.bin'));
    writeFileSync(join(folder, 'data_batch_3.bin'), Buffer.alloc(CIFAR10_BATCH_MAX_BYTES + CIFAR10_RECORD_BYTES));
    await expect(within(svc.importCifar10({ path: folder, verifyChecksum: false }))).rejects.toThrow(/more than a CIFAR-10 batch holds/);
    expect(existsSync(join(root, 'datasets', 'cifar10'))).toBe(false);
  });

  it('reports import progress with its total, from a folder too', async () => {
    const root = dataRoot();
    const folder = cifarFolder(root);
    const events = new HostEvents();
    const seen: { done: number; total: number; message: string }[] = [];
    events.subscribe((e, p) => {
      if (e === 'datasets.onDidImportProgress') seen.push(p as { done: number; total: number; message: string });
    });
    await createDatasetsService(join(root, 'datasets'), events).importCifar10({ path: folder, verifyChecksum: false });
    const checking = seen.filter((p) => p.message === 'checking');
    expect(checking.length).toBe(6);
    expect(checking.every((p) => p.total > 0 && p.done <= p.total)).toBe(true);
    expect(checking.at(-1)!.done).toBe(checking.at(-1)!.total);
    expect(seen.at(-1)).toMatchObject({ done: 1, total: 1, message: 'imported' });
  });
});
