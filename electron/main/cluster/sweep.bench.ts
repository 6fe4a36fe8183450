/**
 * A sweep end to end on Slurm (`npm run bench:sweep`; needs a cluster: `npm run slurm:up` and
 * its SLURM_CONF): N tiny runs launched as one array through the queue and the Slurm executor,
 * as `lrlab sweep --executor slurm` does. Prints the wall time from launch to the last run's end,
 * the live lag (node writes a progress line → the host hands it on), and whether every run has
 * every point exactly once. Prints a table; not a test.
 *
 * Options (env): BENCH_RUNS (100), BENCH_PARALLEL (the array's %N; default 2, this VM's cores),
 * BENCH_ITERS (300 iterations per run, a point every 10).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunSpec } from '../../../engine/spec';
import { findPreset } from '../../../engine/presets';
import { createHost } from '../host/host';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 100);
const PARALLEL = Number(process.env['BENCH_PARALLEL'] ?? 2);
const ITERS = Number(process.env['BENCH_ITERS'] ?? 300);
const EVERY = 10;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number) : NaN;
}

const dir = mkdtempSync(join(tmpdir(), 'lrlab-sweep-bench-'));
try {
  const host = await createHost({ mode: 'cli', storePath: join(dir, 'runs.sqlite'), runQueue: false, slurm: { clusterDir: join(dir, 'cluster'), maxParallel: PARALLEL }, log: () => {} });
  const slurm = host.slurm;
  if (!slurm) throw new Error('No Slurm here: run `npm run slurm:up` and export the SLURM_CONF it prints.');
  const settings = slurm.check({});
  const specs = Array.from({ length: RUNS }, (_, i) =>
    // The toy preset's kind, shrunk to a tiny network and a few hundred iterations.
    parseRunSpec({
      ...findPreset('toy-s').spec,
      seed: i + 1,
      backend: 'cpu',
      name: undefined,
      data: { d: 16, N: 64, testSize: 200 },
      model: { width: 32 },
      algorithm: { name: 'S', eta2: 0.02 + 0.001 * (i % 10), eps2prime: 1e-9 },
      gradientNoise: { tauXi: 0.01 },
      init: { tau0: 0.05 },
      stopping: { maxIterations: ITERS },
      logging: { every: EVERY, checkpointEvery: 100 },
    }),
  );
  host.queue.limitTo([]);
  host.queue.start();
  const t0 = Date.now();
  const ids = host.queue.launch(specs, { groupId: 'bench-sweep', executor: { name: 'slurm', prepare: (runIds) => slurm.prepare(runIds, settings) } });
  host.queue.limitTo(ids);
  void host.queue.pump();
  const done = (): number => ids.filter((id) => !['queued', 'running'].includes(host.store.getRun(id).status)).length;
  let last = -1;
  while (done() < RUNS) {
    const n = done();
    if (n !== last) process.stderr.write(`${n}/${RUNS} ended after ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    last = n;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const wallS = (Date.now() - t0) / 1000;
  const expected = Math.floor(ITERS / EVERY) + 1;
  let complete = 0;
  let missing = 0;
  let dupes = 0;
  const statuses = new Map<string, number>();
  for (const id of ids) {
    const r = host.store.getRun(id);
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    const s = host.store.getSeries({ runIds: [id], keys: ['train/loss'] })[0];
    const steps = s?.steps ?? [];
    dupes += steps.length - new Set(steps).size;
    if (steps.length === expected) complete++;
    else missing += Math.max(0, expected - steps.length);
  }
  const jobs = new Set(ids.map((id) => (host.store.getRun(id).versions?.['slurm job'] ?? '?').split('_')[0]));
  const lags = slurm.lags;
  await host.close();
  const rows: [string, string][] = [
    ['runs', `${RUNS} (${ITERS} iterations, train/loss every ${EVERY}), array %${PARALLEL}, ${jobs.size} sbatch job(s)`],
    ['statuses', [...statuses].map(([k, v]) => `${k} ${v}`).join(', ')],
    ['launch → last run ended', `${wallS.toFixed(1)} s (${(wallS / RUNS).toFixed(2)} s per run)`],
    ['train/loss points', `${complete}/${RUNS} runs complete (${expected} each); ${missing} missing, ${dupes} duplicated`],
    ['live lag p50 / p95 / max', `${pct(lags, 50).toFixed(0)} / ${pct(lags, 95).toFixed(0)} / ${pct(lags, 100).toFixed(0)} ms (${lags.length} samples)`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`\nSweep on Slurm — ${cpus().length} cores, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
