import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore } from './index';
import { spawnFixture, tempDir } from './test-fixtures/helpers';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('lrlab-crash-'));
});
afterEach(() => cleanup());

describe('kill -9 while writing metrics', () => {
  it('leaves the run interrupted, every flushed point present, and a sound file', async () => {
    const file = join(dir, 'crash.sqlite');
    const child = spawnFixture('metricWriterChild.ts', [file, 'victim']);
    try {
      await child.waitFor((l) => l === 'ready');
      // let it commit a good number of batches, then kill it mid-stream
      let flushes = 0;
      await child.waitFor((l) => l.startsWith('flushed') && ++flushes >= 8);
      child.child.kill('SIGKILL');
    } finally {
      child.child.kill('SIGKILL');
    }
    await child.exited;
    const reported = child.lines.filter((l) => l.startsWith('flushed')).map((l) => Number(l.split(' ')[1]));
    const lastReported = Math.max(...reported);
    expect(reported.length).toBeGreaterThanOrEqual(8);

    const s = openStore(file);
    try {
      expect(s.integrityCheck()).toEqual(['ok']);
      expect(s.recoveredOnOpen).toEqual(['victim']);
      const run = s.getRun('victim');
      expect(run.status).toBe('interrupted');
      expect(run.endedAt).not.toBeNull();
      expect(run.events.map((e) => e.kind)).toEqual(['interrupted']);
      const [loss, lr] = s.getSeries({ runIds: ['victim'], keys: ['train/loss', 'lr'] });
      // every point up to the last reported flush is there, contiguous from step 0, none half-written
      const n = loss?.steps.length ?? 0;
      expect(n).toBeGreaterThanOrEqual(lastReported + 1);
      expect(loss?.steps).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(lr?.steps.length).toBe(n);
      loss?.values.forEach((v, step) => {
        if (step % 97 === 0) expect(v).toBeNaN();
        else expect(v).toBe(Math.exp(-step / 1000));
      });
      // the summaries agree with the points
      expect(run.metrics.find((m) => m.key === 'train/loss')).toMatchObject({ nPoints: n, lastStep: n - 1 });
    } finally {
      s.close();
    }
  });
});
