/**
 * Ingest benchmark (`npm run bench:ingest`): can the host keep up with a cluster sweep?
 *
 * 100 run folders grow at once, as 100 `lrlab worker`s on nodes would grow them: each gets its own
 * attempt folder and segment file in the real format (one JSON metric line per record, appended
 * and fsynced every 100 ms, a new segment past 8 MiB). The writing is done by BENCH_FEEDERS child
 * processes (they stand for the nodes), which encode every line *before* the clock starts and,
 * while it runs, only stamp each line's write time into it, append and fsync: on a 2-core machine
 * the feeders would otherwise eat the core the host needs, and the benchmark would measure them
 * (the previous version's single feeder topped out at ~50 000 points/s).
 *
 * This process is the host: the Ingester polls every 250 ms into a fresh store. Printed: points
 * fed and stored, the ingest rate while feeding, the live lag (a line's write time → the poll that
 * committed it, per run at every poll: p50/p95/max), the CPU each side used, exactly-once, and a
 * second phase: a restarted host reading 100 full folders cold (the ingester's rate with nothing
 * else running). Prints a table; not a test, no timed assertion.
 *
 * Options (env): BENCH_RUNS (100), BENCH_RATE (total points/s fed, 250000), BENCH_SECONDS (15),
 * BENCH_KEYS (points per line, 4), BENCH_FEEDERS (4), BENCH_POLL_MS (250).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../../storage';
import { Ingester } from './ingester';
import { newAttemptDir, writeRunFile } from './runDir';
import { fsyncDir, metricLine, segmentName } from './segments';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 100);
const RATE = Number(process.env['BENCH_RATE'] ?? 250_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 15);
const KEYS = Number(process.env['BENCH_KEYS'] ?? 4);
const FEEDERS = Math.max(1, Math.min(RUNS, Number(process.env['BENCH_FEEDERS'] ?? 4)));
const POLL_MS = Number(process.env['BENCH_POLL_MS'] ?? 250);
const keyNames = Array.from({ length: KEYS }, (_, i) => `bench/k${i}`);
const TICK_MS = 100;
const SEGMENT_MAX = 8 * 1024 * 1024; // SegmentWriter's default

type FeederMsg = { type: 'ready' } | { type: 'done'; fed: number; seconds: number; cpuS: number; lateTicks: number };

/** One run folder's pre-encoded lines: the bytes, where each line ends, where its `"w":` digits sit. */
interface Encoded {
  readonly bytes: Buffer;
  readonly ends: number[];
  readonly wAt: number[];
}

const W_PLACEHOLDER = 1_000_000_000_000; // 13 digits, like Date.now() until the year 2286

function encodeRun(lines: number): Encoded {
  const parts: string[] = [];
  const ends: number[] = [];
  const wAt: number[] = [];
  let pos = 0;
  for (let step = 0; step < lines; step++) {
    const values: Record<string, number> = {};
    for (const k of keyNames) values[k] = Math.sin(step + k.length) * 0.5 + 1;
    const text = `${JSON.stringify(metricLine({ step, epoch: null, wallTimeMs: W_PLACEHOLDER, values }))}\n`;
    wAt.push(pos + text.indexOf(`"w":${W_PLACEHOLDER}`) + 4);
    pos += Buffer.byteLength(text);
    ends.push(pos);
    parts.push(text);
  }
  return { bytes: Buffer.from(parts.join('')), ends, wAt };
}

/** A node's writer for one attempt folder, with SegmentWriter's rules (fsync per batch, roll past 8 MiB). */
class RawSegments {
  private fd: number;
  private index = 0;
  private size = 0;
  constructor(private readonly dir: string) {
    this.fd = openSync(join(dir, segmentName(0)), 'ax');
    fsyncDir(dir);
  }
  write(buf: Buffer): void {
    if (this.size > 0 && this.size + buf.length > SEGMENT_MAX) {
      closeSync(this.fd);
      this.index++;
      this.fd = openSync(join(this.dir, segmentName(this.index)), 'ax');
      fsyncDir(this.dir);
      this.size = 0;
    }
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    fsyncSync(this.fd);
    this.size += buf.length;
  }
  close(): void {
    closeSync(this.fd);
  }
}

/** A feeder process: grows its share of the run folders at RATE / FEEDERS points/s once told to go. */
async function feed(root: string, first: number, count: number): Promise<void> {
  const linesPerTick = Math.max(1, Math.round(RATE / KEYS / RUNS / (1000 / TICK_MS)));
  const ticks = Math.ceil((SECONDS * 1000) / TICK_MS);
  const runs = Array.from({ length: count }, (_, i) => ({ seg: new RawSegments(newAttemptDir(join(root, String(first + i))).dir), enc: encodeRun(linesPerTick * ticks), next: 0 }));
  const go = new Promise<void>((res) => process.once('message', () => res()));
  process.send?.({ type: 'ready' } satisfies FeederMsg);
  await go;
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  let fed = 0;
  let lateTicks = 0;
  for (let t = 0; t < ticks; t++) {
    const due = t0 + t * TICK_MS;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    else if (wait < -TICK_MS) lateTicks++;
    for (const r of runs) {
      const from = r.next;
      const to = from + linesPerTick;
      const stamp = String(Date.now());
      for (let i = from; i < to; i++) r.enc.bytes.write(stamp, r.enc.wAt[i] as number, 'latin1');
      const start = from === 0 ? 0 : (r.enc.ends[from - 1] as number);
      r.seg.write(r.enc.bytes.subarray(start, r.enc.ends[to - 1] as number));
      r.next = to;
      fed += linesPerTick * KEYS;
    }
  }
  const seconds = (Date.now() - t0) / 1000;
  for (const r of runs) r.seg.close();
  const cpu = process.cpuUsage(cpu0);
  process.send?.({ type: 'done', fed, seconds, cpuS: (cpu.user + cpu.system) / 1e6, lateTicks } satisfies FeederMsg, undefined, undefined, () => process.exit(0));
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}
const fmt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');

function next(child: ChildProcess, type: FeederMsg['type']): Promise<FeederMsg> {
  return new Promise((res, rej) => {
    const onMsg = (m: FeederMsg) => {
      if (m.type === type) {
        child.off('message', onMsg);
        res(m);
      }
    };
    child.on('message', onMsg);
    child.once('exit', (code) => rej(new Error(`a feeder exited (${code}) before "${type}"`)));
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lrlab-ingest-bench-'));
  const root = join(dir, 'cluster', 'runs');
  try {
    const store = openStore(join(dir, 'runs.sqlite'));
    const lags: number[] = [];
    const ing = new Ingester({ store, pollMs: POLL_MS, onStored: (_id, _n, last) => lags.push(Date.now() - last.wallTimeMs) });
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const id = store.createRun({ name: `bench ${i}`, spec: {}, specHash: 'bench', kind: 'bench' }).id;
      ids.push(id);
      mkdirSync(join(root, String(i)), { recursive: true });
      writeRunFile(join(root, String(i)), { runId: id, spec: {} as never, backend: null });
      ing.watch(id, join(root, String(i)));
    }
    // The feeders encode their lines first (not timed), then all start together.
    const per = Math.ceil(RUNS / FEEDERS);
    const feeders: ChildProcess[] = [];
    for (let f = 0; f < FEEDERS; f++) {
      const first = f * per;
      const count = Math.min(per, RUNS - first);
      if (count <= 0) break;
      feeders.push(fork(fileURLToPath(import.meta.url), ['feed', root, String(first), String(count)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' }));
    }
    await Promise.all(feeders.map((c) => next(c, 'ready')));
    ing.start();
    const dones = Promise.all(feeders.map((c) => next(c, 'done'))) as Promise<Extract<FeederMsg, { type: 'done' }>[]>;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (const c of feeders) c.send('go');
    const fedBy = await dones;
    const feedEnd = performance.now();
    const storedAtFeedEnd = ing.stats.points;
    const pollsDuringFeed = ing.stats.polls;
    const fed = fedBy.reduce((a, d) => a + d.fed, 0);
    const lagsLive = lags.length;
    // drain what is left
    while (ing.stats.points < fed && performance.now() - feedEnd < 120_000) await new Promise((r) => setTimeout(r, 20));
    const drainMs = performance.now() - feedEnd;
    const cpu = process.cpuUsage(cpu0);
    const hostCpuS = (cpu.user + cpu.system) / 1e6;
    const totalS = (performance.now() - t0) / 1000;
    ing.close();
    const liveSeconds = (feedEnd - t0) / 1000;
    const load = loadavg();

    // Phase 2: a host restart reads all full folders cold (nothing stored yet in a new store).
    const store2 = openStore(join(dir, 'runs2.sqlite'));
    const ing2 = new Ingester({ store: store2 });
    for (let i = 0; i < RUNS; i++) {
      const id = store2.createRun({ name: `bench ${i}`, spec: {}, specHash: 'bench', kind: 'bench' }).id;
      ing2.watch(id, join(root, String(i)));
    }
    const c0 = performance.now();
    const ccpu0 = process.cpuUsage();
    let cold = 0;
    for (;;) {
      const n = ing2.pollAll();
      cold += n;
      if (n === 0) break;
    }
    const coldS = (performance.now() - c0) / 1000;
    const ccpu = process.cpuUsage(ccpu0);
    ing2.close();
    // Exactly once: every point stored, none twice.
    const counts = ids.map((id) => store.getRun(id).metrics.reduce((a, m) => a + m.nPoints, 0));
    const stored = counts.reduce((a, b) => a + b, 0);
    store.close();
    store2.close();

    const feederCpu = fedBy.reduce((a, d) => a + d.cpuS, 0);
    const late = fedBy.reduce((a, d) => a + d.lateTicks, 0);
    const live = lags.slice(0, lagsLive);
    const rows: [string, string][] = [
      ['run folders / feeder processes', `${RUNS} / ${fedBy.length}`],
      ['points per line, fsync', `${KEYS}, every ${TICK_MS} ms per folder`],
      ['fed (points)', `${fmt(fed)} in ${Math.max(...fedBy.map((d) => d.seconds)).toFixed(1)} s = ${fmt(fed / Math.max(...fedBy.map((d) => d.seconds)))}/s (asked ${fmt(RATE)}/s; ${late} feeder ticks > ${TICK_MS} ms late)`],
      ['stored while feeding', `${fmt(storedAtFeedEnd)} (${((100 * storedAtFeedEnd) / fed).toFixed(1)} %)`],
      ['live ingest rate', `${fmt(storedAtFeedEnd / liveSeconds)} points/s`],
      ['backlog drained in', `${(drainMs / 1000).toFixed(2)} s after the feed ended`],
      ['stored in all (exactly once?)', `${fmt(stored)} (${stored === fed ? 'yes' : 'NO'})`],
      ['host polls during the feed', `${pollsDuringFeed} in ${liveSeconds.toFixed(1)} s (one every ${POLL_MS} ms after the last ended, when the host gets the CPU)`],
      ['live lag p50 / p95 / max', `${fmt(pct(live, 50))} / ${fmt(pct(live, 95))} / ${fmt(pct(live, 100))} ms (${live.length} samples, poll ${POLL_MS} ms)`],
      ['host (ingester) CPU', `${hostCpuS.toFixed(1)} s over ${totalS.toFixed(1)} s = ${fmt(fed / hostCpuS)} points per CPU-second`],
      ['feeders CPU (the nodes)', `${feederCpu.toFixed(1)} s`],
      ['cold catch-up (host restart)', `${fmt(cold)} points in ${coldS.toFixed(2)} s = ${fmt(cold / coldS)} points/s (${fmt(cold / ((ccpu.user + ccpu.system) / 1e6))} per CPU-second)`],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log(`\nIngest benchmark — ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average at the end of the feed ${load.map((x) => x.toFixed(2)).join(' ')}`);
    for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'feed') await feed(process.argv[3] as string, Number(process.argv[4]), Number(process.argv[5]));
else await main();
