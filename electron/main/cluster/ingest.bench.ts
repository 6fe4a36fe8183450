/**
 * Ingest benchmark (`npm run bench:ingest`): can the host keep up with a cluster sweep?
 *
 * A feeder process appends metric lines to 100 run folders at once (each its own attempt and
 * SegmentWriter, fsync every 100 ms, like `lrlab worker`), at a fixed total rate, while this
 * process runs the Ingester into a fresh store, polling every 250 ms. Printed: the points fed and
 * stored, the ingest rate, and the live lag (time from a line's write to its commit in the store,
 * sampled for every run at every poll). A second phase measures the cold catch-up rate: a host
 * that restarts and reads 100 full folders at once. Prints a table; not a test.
 *
 * Options (env): BENCH_RUNS (100), BENCH_RATE (total points/s fed, 250000), BENCH_SECONDS (15),
 * BENCH_KEYS (points per line, 4).
 */
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../../storage';
import { Ingester } from './ingester';
import { newAttemptDir, writeRunFile } from './runDir';
import { SegmentWriter, metricLine } from './segments';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 100);
const RATE = Number(process.env['BENCH_RATE'] ?? 250_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 15);
const KEYS = Number(process.env['BENCH_KEYS'] ?? 4);
const keyNames = Array.from({ length: KEYS }, (_, i) => `bench/k${i}`);

/** The feeder: RUNS writers, RATE points/s in total, SECONDS long; `w` = the line's write time (epoch ms). */
async function feed(root: string): Promise<void> {
  const writers = Array.from({ length: RUNS }, (_, i) => new SegmentWriter(newAttemptDir(join(root, String(i))).dir));
  const linesPerTick = Math.max(1, Math.round(RATE / KEYS / RUNS / 10)); // per run, per 100 ms
  const steps = new Array<number>(RUNS).fill(0);
  const t0 = Date.now();
  let fed = 0;
  while (Date.now() - t0 < SECONDS * 1000) {
    const tick = Date.now();
    for (let r = 0; r < RUNS; r++) {
      const w = writers[r] as SegmentWriter;
      for (let j = 0; j < linesPerTick; j++) {
        const step = (steps[r] as number);
        steps[r] = step + 1;
        const values: Record<string, number> = {};
        for (const k of keyNames) values[k] = Math.sin(step) * 0.5 + 1;
        w.append(metricLine({ step, epoch: null, wallTimeMs: Date.now(), values }));
      }
      w.flush();
      fed += linesPerTick * KEYS;
    }
    const spent = Date.now() - tick;
    if (spent < 100) await new Promise((res) => setTimeout(res, 100 - spent));
  }
  for (const w of writers) w.close();
  process.send?.({ fed, seconds: (Date.now() - t0) / 1000 });
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lrlab-ingest-bench-'));
  const root = join(dir, 'cluster', 'runs');
  try {
    const store = openStore(join(dir, 'runs.sqlite'));
    const lags: number[] = [];
    const ing = new Ingester({ store, pollMs: 250, onStored: (_id, _n, last) => lags.push(Date.now() - last.wallTimeMs) });
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const id = store.createRun({ name: `bench ${i}`, spec: {}, specHash: 'bench', kind: 'bench' }).id;
      ids.push(id);
      mkdirSync(join(root, String(i)), { recursive: true });
      writeRunFile(join(root, String(i)), { runId: id, spec: {} as never, backend: null });
      ing.watch(id, join(root, String(i)));
    }
    ing.start();
    const child = fork(fileURLToPath(import.meta.url), ['feed', root], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const fed = await new Promise<{ fed: number; seconds: number }>((res) => child.once('message', (m) => res(m as { fed: number; seconds: number })));
    const feedEnd = performance.now();
    const storedAtFeedEnd = ing.stats.points;
    // drain what is left
    while (ing.stats.points < fed.fed && performance.now() - feedEnd < 60_000) await new Promise((r) => setTimeout(r, 50));
    const drainMs = performance.now() - feedEnd;
    const cpu = process.cpuUsage(cpu0);
    ing.close();
    const liveSeconds = (feedEnd - t0) / 1000;

    // Phase 2: a host restart reads all 100 full folders cold (nothing stored yet in a new store).
    const store2 = openStore(join(dir, 'runs2.sqlite'));
    const ing2 = new Ingester({ store: store2 });
    for (let i = 0; i < RUNS; i++) {
      const id = store2.createRun({ name: `bench ${i}`, spec: {}, specHash: 'bench', kind: 'bench' }).id;
      ing2.watch(id, join(root, String(i)));
    }
    const c0 = performance.now();
    let cold = 0;
    for (;;) {
      const n = ing2.pollAll();
      cold += n;
      if (n === 0) break;
    }
    const coldS = (performance.now() - c0) / 1000;
    ing2.close();
    // Exactly once: every point stored, none twice.
    const counts = ids.map((id) => store.getRun(id).metrics.reduce((a, m) => a + m.nPoints, 0));
    store.close();
    store2.close();

    const rows: [string, string][] = [
      ['run folders', String(RUNS)],
      ['points per line', String(KEYS)],
      ['fed (points)', `${fmt(fed.fed)} in ${fed.seconds.toFixed(1)} s = ${fmt(fed.fed / fed.seconds)}/s`],
      ['stored while feeding', `${fmt(storedAtFeedEnd)} (${((100 * storedAtFeedEnd) / fed.fed).toFixed(1)} %)`],
      ['live ingest rate', `${fmt(storedAtFeedEnd / liveSeconds)} points/s`],
      ['backlog drained in', `${(drainMs / 1000).toFixed(2)} s after the feed ended`],
      ['stored in all (exactly once?)', `${fmt(counts.reduce((a, b) => a + b, 0))} (${counts.reduce((a, b) => a + b, 0) === fed.fed ? 'yes' : 'NO'})`],
      ['live lag p50 / p95 / max', `${fmt(pct(lags, 50))} / ${fmt(pct(lags, 95))} / ${fmt(pct(lags, 100))} ms (${lags.length} samples)`],
      ['ingester CPU', `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s over ${((performance.now() - t0) / 1000).toFixed(1)} s = ${fmt(fed.fed / ((cpu.user + cpu.system) / 1e6))} points per CPU-second`],
      ['cold catch-up (host restart)', `${fmt(cold)} points in ${coldS.toFixed(2)} s = ${fmt(cold / coldS)} points/s`],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log(`\nIngest benchmark — ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load ${loadavg().map((x) => x.toFixed(1)).join(' ')}, poll 250 ms`);
    for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'feed') await feed(process.argv[3] as string);
else await main();
