/** Damaged stores for fault tests and drills (issue 14). */
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { openStore } from '../index';
import { sampleRun } from './helpers';

/** A closed store with `runs` finished runs of 2 000 points each (a few hundred KiB). */
export function goodStore(file: string, runs = 3): string[] {
  const s = openStore(file);
  const ids: string[] = [];
  for (let r = 0; r < runs; r++) {
    const { id } = s.createRun(sampleRun({ id: `keep-${r}` }));
    s.markRunning(id, { pid: process.pid });
    const w = s.metricWriter(id);
    for (let i = 0; i < 2000; i++) {
      w.writePoint('loss', i, 1 / (i + 1));
      w.writePoint('acc', i, i / 2000);
    }
    w.close();
    s.finishRun(id, 'completed');
    ids.push(id);
  }
  s.close();
  return ids;
}

/** Overwrites 8 KiB in the middle of the file with random bytes (the drill of issue 14). */
export function scribble(file: string, seed = 7): void {
  const size = statSync(file).size;
  const junk = Buffer.alloc(8192);
  let x = seed;
  for (let i = 0; i < junk.length; i++) junk[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  const fd = openSync(file, 'r+');
  writeSync(fd, junk, 0, junk.length, Math.floor(size / 2 / 4096) * 4096);
  closeSync(fd);
}

