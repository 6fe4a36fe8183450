/** Several processes on one store file: change notices, and only one queue owner. */
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, type Host } from './host';
import { openStore } from '../../../storage';
import { goodStore, scribble } from '../../../storage/test-fixtures/damage';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function tmpStore(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lrlab-host-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'runs.sqlite');
}

async function host(storePath: string, runQueue: boolean): Promise<Host> {
  const h = await createHost({ mode: 'browser', storePath, runQueue, log: () => {} });
  cleanup.push(() => h.close());
  return h;
}

const spec = { kind: 'synthetic', seed: 1, name: 'x', data: { d: 8, N: 16, testSize: 20 }, model: { width: 4 }, algorithm: { name: 'S' }, init: { tau0: 0.1 }, stopping: { maxIterations: 5 } };

describe('host on a shared store', () => {
  it('notices within a second a run another process wrote to the same file', async () => {
    const path = tmpStore();
    const h = await host(path, false);
    const got = new Promise<number>((resolve) => {
      const t0 = Date.now();
      h.events.subscribe((event) => {
        if (event === 'runs.onDidChange') resolve(Date.now() - t0);
      });
    });
    const other = openStore(path); // another connection: what the CLI does
    other.createRun({ name: 'from the CLI', spec, specHash: 'h', kind: 'synthetic' });
    other.close();
    expect(await got).toBeLessThan(1000);
    const list = await h.dispatch('runs.list', {});
    expect(list.ok && (list.value as { rows: { name: string }[] }).rows.map((r) => r.name)).toEqual(['from the CLI']);
  });

  it('lets only one host run the queue and says who owns it', async () => {
    const path = tmpStore();
    const first = await host(path, true);
    const second = await host(path, true);
    expect(first.queue.ownsQueue).toBe(true);
    expect(second.queue.ownsQueue).toBe(false);
    const q = await second.dispatch('training.queue', {});
    expect(q.ok).toBe(true);
    if (!q.ok) return;
    const v = q.value as { ownsQueue: boolean; note: string };
    expect(v.ownsQueue).toBe(false);
    expect(v.note).toMatch(/pid \d+/);
    expect(v.note).toMatch(/stay queued until that host runs them/);
  });
});

describe('host on a damaged store', () => {
  it('the window and `lrlab serve` refuse to start on it, pointing at doctor, and leave it byte-identical', async () => {
    const path = tmpStore();
    goodStore(path);
    scribble(path);
    const before = createHash('sha256').update(readFileSync(path)).digest('hex');
    const err = await createHost({ mode: 'browser', storePath: path, runQueue: true, log: () => {} }).then(
      (h) => (cleanup.push(() => h.close()), null),
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/is damaged.*lrlab doctor/);
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(before);
  });
});
