/**
 * Store benchmark (`npm run bench:store`): ingest rows/s through MetricWriter against one row per
 * transaction, and the load of a 10-run × 50k-point comparison downsampled to 2 000 points per
 * series against a plain SELECT of every point. Prints a table; not a test.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../index';

const dir = mkdtempSync(join(tmpdir(), 'lrlab-bench-'));
const rows: [string, string, string][] = [];
const loadAtStart = loadavg();
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** CPU milliseconds (user + system) of this process since `since`. */
function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** Median wall time and median CPU time of `reps` runs after a warm-up, in ms. */
function time(reps: number, fn: () => void): { wall: number; cpu: number } {
  fn(); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    cpu.push(cpuMs(c0));
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const ms = (t: { wall: number; cpu: number }): string => `${t.wall.toFixed(1)} ms`;
const cpuNote = (t: { wall: number; cpu: number }, note: string): string => `CPU ${t.cpu.toFixed(1)} ms; ${note}`;

try {
  // ── ingest ──────────────────────────────────────────────────────────
  const file = join(dir, 'bench.sqlite');
  const store = openStore(file);
  const keys = Array.from({ length: 10 }, (_, k) => `metric/${k}`);
  {
    const { id } = store.createRun({ name: 'ingest', spec: {}, specHash: 'h', kind: 'bench' });
    const w = store.metricWriter(id, { flushEveryPoints: 50_000, flushEveryMs: 1e9 });
    const steps = 100_000;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let step = 0; step < steps; step++) {
      const values: Record<string, number> = {};
      for (let k = 0; k < keys.length; k++) values[keys[k] as string] = Math.sin(step / 100 + k);
      w.write({ step, epoch: null, wallTimeMs: step, values });
    }
    w.close();
    const dt = (performance.now() - t0) / 1000;
    const cpu = cpuMs(c0) / 1000;
    const n = steps * keys.length;
    rows.push(['ingest, MetricWriter batches of 50k (incl. summaries)', `${fmt(n / dt)} rows/s`, `${fmt(n)} rows in ${dt.toFixed(2)} s wall; ${fmt(n / cpu)} rows per CPU-second`]);
  }
  {
    const { id } = store.createRun({ name: 'naive', spec: {}, specHash: 'h', kind: 'bench' });
    const db = new Database(file);
    db.pragma('synchronous = NORMAL');
    const rid = db.prepare('SELECT rid FROM runs WHERE id = ?').pluck().get(id) as number;
    const ins = db.prepare('INSERT INTO metric_points(run_rid, key_id, step, epoch, wall_ms, value, vkind) VALUES (?, 1, ?, NULL, ?, ?, 0)');
    const n = 20_000;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) ins.run(rid, i, i, Math.sin(i)); // autocommit: one transaction per row
    const dt = (performance.now() - t0) / 1000;
    const cpu = cpuMs(c0) / 1000;
    db.close();
    rows.push(['ingest baseline, one row per transaction (WAL, NORMAL)', `${fmt(n / dt)} rows/s`, `${fmt(n)} rows in ${dt.toFixed(2)} s wall; ${fmt(n / cpu)} rows per CPU-second`]);
  }

  // ── comparison load ─────────────────────────────────────────────────
  const runIds: string[] = [];
  for (let r = 0; r < 10; r++) {
    const { id } = store.createRun({ name: `cmp ${r}`, spec: {}, specHash: 'h', kind: 'bench', groupId: 'cmp' });
    runIds.push(id);
    const w = store.metricWriter(id, { flushEveryPoints: 50_000, flushEveryMs: 1e9 });
    let x = 1;
    for (let step = 0; step < 50_000; step++) {
      x = x * 0.9999 + 0.001 * Math.sin(step * 0.37 + r);
      w.writePoint('train/loss', step, step % 9973 === 0 ? x + 5 : step === 25_000 + r ? NaN : x);
    }
    w.close();
  }
  const lttb = time(9, () => void store.getSeries({ runIds, keys: ['train/loss'], maxPoints: 2000, method: 'lttb' }));
  const minmax = time(9, () => void store.getSeries({ runIds, keys: ['train/loss'], maxPoints: 2000, method: 'minmax' }));
  const full = time(5, () => void store.getSeries({ runIds, keys: ['train/loss'] }));
  const db = new Database(file, { readonly: true });
  const sel = db
    .prepare(
      `SELECT p.step, p.value FROM metric_points p JOIN runs r ON r.rid = p.run_rid
       WHERE r.id = ? AND p.key_id = (SELECT id FROM metric_keys WHERE key = 'train/loss') ORDER BY p.step`,
    )
    .raw(true);
  const plain = time(5, () => {
    for (const id of runIds) sel.all(id);
  });
  db.close();
  const got = store.getSeries({ runIds, keys: ['train/loss'], maxPoints: 2000 });
  const pts = got.reduce((a, s) => a + s.steps.length, 0);
  rows.push(['10 runs × 50k points → 2 000/series, LTTB', ms(lttb), cpuNote(lttb, `${fmt(pts)} points returned, median of 9`)]);
  rows.push(['10 runs × 50k points → 2 000/series, min/max', ms(minmax), cpuNote(minmax, 'median of 9')]);
  rows.push(['baseline: plain SELECT of all 500k points', ms(plain), cpuNote(plain, 'raw rows, median of 5')]);
  rows.push(['getSeries full resolution (500k points)', ms(full), cpuNote(full, 'median of 5')]);
  const agg = time(5, () => void store.groupAggregate({ groupId: 'cmp' }, 'train/loss', 2000));
  rows.push(['groupAggregate 10 runs × 50k → 2 000', ms(agg), cpuNote(agg, 'mean/std/min/max/n per step, median of 5')]);

  // ── run list at 5 000 runs ──────────────────────────────────────────
  const addRuns = (): void => {
    for (let i = 0; i < 5000; i++) {
      const { id } = store.createRun({ name: `list ${i}`, spec: { i }, specHash: 'h', kind: 'bench', preset: i % 2 ? 'a' : 'b', tags: i % 10 ? [] : ['ten'] });
      const w = store.metricWriter(id);
      w.writePoint('train/loss', 0, Math.random());
      w.close();
    }
  };
  addRuns();
  const list = time(9, () => void store.listRuns({ sortBy: { metric: 'train/loss', stat: 'last' }, sortDir: 'asc', limit: 100, metricKeys: ['train/loss'] }));
  const search = time(9, () => void store.listRuns({ text: 'list 12', status: ['queued'], limit: 100 }));
  rows.push(['listRuns, 5 000+ runs, sorted by metric, page of 100', ms(list), cpuNote(list, 'median of 9')]);
  rows.push(['listRuns, 5 000+ runs, text + status filter', ms(search), cpuNote(search, 'median of 9')]);
  store.close();

  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log(`\nLR Lab store benchmark (better-sqlite3, SQLite ${new Database(':memory:').prepare('select sqlite_version()').pluck().get() as string}, node ${process.version})`);
  console.log(`${cpus().length} CPUs, 1-min load average ${loadAtStart[0]?.toFixed(1)} at start, ${loadavg()[0]?.toFixed(1)} at end\n`);
  console.log(`${'what'.padEnd(w0)}  ${'result'.padStart(w1)}  notes`);
  console.log(`${'-'.repeat(w0)}  ${'-'.repeat(w1)}  -----`);
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
