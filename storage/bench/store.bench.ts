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
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function time(reps: number, fn: () => void): number {
  fn(); // warm-up
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

try {
  // ── ingest ──────────────────────────────────────────────────────────
  const file = join(dir, 'bench.sqlite');
  const store = openStore(file);
  const keys = Array.from({ length: 10 }, (_, k) => `metric/${k}`);
  {
    const { id } = store.createRun({ name: 'ingest', spec: {}, specHash: 'h', kind: 'synthetic' });
    const w = store.metricWriter(id, { flushEveryPoints: 50_000, flushEveryMs: 1e9 });
    const steps = 100_000;
    const t0 = performance.now();
    for (let step = 0; step < steps; step++) {
      const values: Record<string, number> = {};
      for (let k = 0; k < keys.length; k++) values[keys[k] as string] = Math.sin(step / 100 + k);
      w.write({ step, epoch: null, wallTimeMs: step, values });
    }
    w.close();
    const dt = (performance.now() - t0) / 1000;
    rows.push(['ingest, MetricWriter batches of 50k (incl. summaries)', `${fmt((steps * keys.length) / dt)} rows/s`, `${fmt(steps * keys.length)} rows in ${dt.toFixed(2)} s`]);
  }
  {
    const { id } = store.createRun({ name: 'naive', spec: {}, specHash: 'h', kind: 'synthetic' });
    const db = new Database(file);
    db.pragma('synchronous = NORMAL');
    const rid = db.prepare('SELECT rid FROM runs WHERE id = ?').pluck().get(id) as number;
    const ins = db.prepare('INSERT INTO metric_points(run_rid, key_id, step, epoch, wall_ms, value, vkind) VALUES (?, 1, ?, NULL, ?, ?, 0)');
    const n = 20_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) ins.run(rid, i, i, Math.sin(i)); // autocommit: one transaction per row
    const dt = (performance.now() - t0) / 1000;
    db.close();
    rows.push(['ingest baseline, one row per transaction (WAL, NORMAL)', `${fmt(n / dt)} rows/s`, `${fmt(n)} rows in ${dt.toFixed(2)} s`]);
  }

  // ── comparison load ─────────────────────────────────────────────────
  const runIds: string[] = [];
  for (let r = 0; r < 10; r++) {
    const { id } = store.createRun({ name: `cmp ${r}`, spec: {}, specHash: 'h', kind: 'synthetic', groupId: 'cmp' });
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
  rows.push(['10 runs × 50k points → 2 000/series, LTTB', `${lttb.toFixed(1)} ms`, `${fmt(pts)} points returned, median of 9`]);
  rows.push(['10 runs × 50k points → 2 000/series, min/max', `${minmax.toFixed(1)} ms`, 'median of 9']);
  rows.push(['baseline: plain SELECT of all 500k points', `${plain.toFixed(1)} ms`, 'raw rows, median of 5']);
  rows.push(['getSeries full resolution (500k points)', `${full.toFixed(1)} ms`, 'median of 5']);
  const agg = time(5, () => void store.groupAggregate({ groupId: 'cmp' }, 'train/loss', 2000));
  rows.push(['groupAggregate 10 runs × 50k → 2 000', `${agg.toFixed(1)} ms`, 'mean/std/min/max/n per step, median of 5']);

  // ── run list at 5 000 runs ──────────────────────────────────────────
  const tx = () => {
    for (let i = 0; i < 5000; i++) {
      const { id } = store.createRun({ name: `list ${i}`, spec: { i }, specHash: 'h', kind: 'synthetic', preset: i % 2 ? 'a' : 'b', tags: i % 10 ? [] : ['ten'] });
      const w = store.metricWriter(id);
      w.writePoint('train/loss', 0, Math.random());
      w.close();
    }
  };
  tx();
  const list = time(9, () => void store.listRuns({ sortBy: 'metric:train/loss:last', sortDir: 'asc', limit: 100, metricKeys: ['train/loss'] }));
  const search = time(9, () => void store.listRuns({ text: 'list 12', status: ['queued'], limit: 100 }));
  rows.push(['listRuns, 5 000+ runs, sorted by metric, page of 100', `${list.toFixed(1)} ms`, 'median of 9']);
  rows.push(['listRuns, 5 000+ runs, text + status filter', `${search.toFixed(1)} ms`, 'median of 9']);
  store.close();

  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log(`\nLR Lab store benchmark (better-sqlite3, SQLite ${new Database(':memory:').prepare('select sqlite_version()').pluck().get() as string}, node ${process.version})`);
  console.log(`${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min) at the end\n`);
  console.log(`${'what'.padEnd(w0)}  ${'result'.padStart(w1)}  notes`);
  console.log(`${'-'.repeat(w0)}  ${'-'.repeat(w1)}  -----`);
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
