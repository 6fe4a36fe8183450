/**
 * The datasets service: which image datasets this machine has (Debian's Fashion-MNIST,
 * imported CIFAR-10), their sizes and checksums, and CIFAR-10 import from a chosen file.
 * Imported data goes to `<data dir>/datasets/<name>/`, which the engine searches
 * (LRLAB_DATA_DIR, set by the host so its workers see the same folder).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ApiServices } from '../../api/contract';
import type { DatasetInfo } from '../../api/schemas';
import { CIFAR10_ARCHIVE_MAX_BYTES, CIFAR10_UNPACKED_MAX_BYTES, listKnownDatasets, loadCifar10, readTarGz, type KnownDataset } from '../../../engine/data';
import { HostError } from '../host/errors';
import type { HostEvents } from '../host/events';

const TITLES: Record<string, string> = { cifar10: 'CIFAR-10', 'fashion-mnist': 'Fashion-MNIST', mnist: 'MNIST' };
const CIFAR_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];

async function sha256OfFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** sha256 of a file, or of a folder's files in name order (name + bytes). */
async function checksumOf(path: string): Promise<string> {
  const s = await stat(path);
  if (!s.isDirectory()) return `sha256:${await sha256OfFile(path)}`;
  const h = createHash('sha256');
  for (const name of (await readdir(path)).sort()) {
    const p = join(path, name);
    if (!(await stat(p)).isFile()) continue;
    h.update(name);
    h.update(await sha256OfFile(p));
  }
  return `sha256:${h.digest('hex')}`;
}

export function createDatasetsService(datasetsDir: string, events: HostEvents): ApiServices['datasets'] {
  const checksums = new Map<string, string>();
  const describe = async (k: KnownDataset): Promise<DatasetInfo> => {
    const key = `${k.path}:${k.sizeBytes}`;
    let sum = checksums.get(key);
    if (!sum) checksums.set(key, (sum = await checksumOf(k.path)));
    return {
      id: k.name,
      name: TITLES[k.name] ?? k.name,
      path: k.path,
      found: true,
      train: k.trainCount,
      test: k.testCount,
      bytes: k.sizeBytes,
      checksum: sum,
      note: `${k.format}, images ${k.imageShape.join('×')}`,
    };
  };
  return {
    async list() {
      const found = await listKnownDatasets();
      const out: DatasetInfo[] = [];
      for (const k of found) out.push(await describe(k));
      for (const name of ['cifar10', 'fashion-mnist', 'mnist']) {
        if (found.some((k) => k.name === name)) continue;
        out.push({
          id: name,
          name: TITLES[name] ?? name,
          path: null,
          found: false,
          train: null,
          test: null,
          bytes: null,
          checksum: null,
          note:
            name === 'cifar10'
              ? 'Not imported: choose the official cifar-10-binary.tar.gz (or its extracted folder) to import it.'
              : name === 'fashion-mnist'
                ? "Not found: on Debian, apt-get install dataset-fashion-mnist; or put the IDX files in the datasets folder."
                : `Not found: put the IDX files in ${join(datasetsDir, name)}.`,
        });
      }
      return out;
    },
    async importCifar10({ path, verifyChecksum }) {
      const progress = (done: number, total: number | null, message: string) =>
        events.emit('datasets.onDidImportProgress', { id: 'cifar10', done, total: total ?? 0, message });
      let isDir: boolean;
      try {
        const st = await stat(path);
        isDir = st.isDirectory();
        if (!isDir && !st.isFile()) {
          throw new HostError('invalid_request', `${path} is not a regular file (a device, FIFO or socket). Choose cifar-10-binary.tar.gz or the folder with data_batch_1..5.bin and test_batch.bin.`);
        }
      } catch (e) {
        if (e instanceof HostError) throw e;
        throw new HostError('not_found', `${path} does not exist. Choose cifar-10-binary.tar.gz or the folder with data_batch_1..5.bin and test_batch.bin.`);
      }
      // Parse it fully first (verifies the official MD5 of the archive, every record's size
      // and label range): nothing is copied unless it is a valid CIFAR-10 binary release.
      try {
        await loadCifar10(path, { verifyChecksum, onProgress: (d, t) => progress(d, t, 'checking') });
      } catch (e) {
        throw new HostError('invalid_request', e instanceof Error ? e.message : String(e));
      }
      const target = join(datasetsDir, 'cifar10');
      await mkdir(target, { recursive: true });
      if (isDir) {
        for (const f of CIFAR_FILES) {
          await copyFile(join(path, f), join(target, `${f}.part`));
          await rename(join(target, `${f}.part`), join(target, f));
        }
      } else {
        // Keep the batches as plain files: training reads them without decompressing again.
        const { entries } = await readTarGz(path, (name) => CIFAR_FILES.includes(basename(name)), (d, t) => progress(d, t, 'extracting'), {
          maxBytes: CIFAR10_ARCHIVE_MAX_BYTES,
          maxUnpackedBytes: CIFAR10_UNPACKED_MAX_BYTES,
        });
        for (const e of entries) {
          const dest = join(target, basename(e.name));
          await writeFile(`${dest}.part`, e.data);
          await rename(`${dest}.part`, dest);
        }
      }
      progress(1, 1, 'imported');
      const found = (await listKnownDatasets()).find((k) => k.name === 'cifar10' && k.path.startsWith(target));
      if (!found) throw new HostError('internal', `CIFAR-10 was copied to ${target} but is not found there; check the folder's permissions.`);
      return describe(found);
    },
  };
}
