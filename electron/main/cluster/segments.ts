/**
 * Append-only, fsynced segments: how a run on a cluster node reports to the host.
 *
 * A worker on a node never opens the SQLite store (SQLite over NFS/Lustre is unsafe). It appends
 * one JSON line per record to `seg-NNNNNN.jsonl` files in its attempt folder, fsyncing each batch,
 * and starts a new segment past `maxBytes`. The host's ingester (ingester.ts) tails them. Rules
 * the reader relies on:
 * - one writer per attempt folder (each Slurm task attempt makes its own, see runDir.ts);
 * - a line is complete only with its trailing '\n' (a killed writer may leave half a line: the
 *   reader never consumes it);
 * - segment N+1 is created only after segment N was fsynced, so once N+1 exists N is final.
 * JSON has no NaN, ±Infinity or -0: such metric values are written as the strings "NaN",
 * "Infinity", "-Infinity", "-0" and read back with Number().
 */
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readSync, fstatSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendReport } from '../../../engine/backend';
import type { MetricRecord, ProgressInfo, RunEvent, RunResult } from '../../../engine/experiments/types';
// The pure values module, not the store's index: a cluster worker writes segments without opening a store.
import { fromJsonNumber, toJsonNumber, type JsonNumber } from '../../../storage/values';

export interface SlurmFacts {
  readonly jobId: string | null;
  readonly arrayJobId: string | null;
  readonly arrayTaskId: string | null;
  readonly node: string | null;
  readonly partition: string | null;
  readonly gpus: string | null;
  readonly restartCount: number;
}

export type SegmentLine =
  | { readonly t: 'start'; readonly attempt: number; readonly at: number; readonly backend: BackendReport; readonly versions: Readonly<Record<string, string>>; readonly slurm: SlurmFacts; readonly resumedFrom: number | null }
  | { readonly t: 'm'; readonly s: number; readonly e: number | null; readonly w: number; readonly v: Readonly<Record<string, JsonNumber>> }
  | { readonly t: 'ev'; readonly event: RunEvent }
  | { readonly t: 'p'; readonly p: ProgressInfo; /** When the worker wrote it (epoch ms): the host's live lag is measured against it. */ readonly at?: number }
  | { readonly t: 'c'; readonly step: number; readonly epoch: number | null; readonly file: string; readonly bytes: number }
  | { readonly t: 'end'; readonly result: RunResult; readonly signal: string | null }
  | { readonly t: 'error'; readonly message: string };

/**
 * A metric value in a segment line: the store's JSON number encoding (storage/values.ts), which
 * bundles use too: NaN, ±Infinity and -0 as the strings 'NaN', 'Infinity', '-Infinity', '-0'.
 */
export const encodeValue = toJsonNumber;

export function decodeValues(v: Readonly<Record<string, JsonNumber>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k in v) out[k] = fromJsonNumber(v[k] as JsonNumber);
  return out;
}

export function metricLine(m: MetricRecord): SegmentLine {
  const v: Record<string, JsonNumber> = {};
  for (const k in m.values) v[k] = encodeValue(m.values[k] as number);
  return { t: 'm', s: m.step, e: m.epoch, w: m.wallTimeMs, v };
}

export function metricFromLine(l: Extract<SegmentLine, { t: 'm' }>): MetricRecord {
  return { step: l.s, epoch: l.e, wallTimeMs: l.w, values: decodeValues(l.v) };
}

export const segmentName = (n: number): string => `seg-${String(n).padStart(6, '0')}.jsonl`;

/** Appends lines to an attempt folder's segments; `flush()` writes and fsyncs what is buffered. */
export class SegmentWriter {
  private fd: number;
  private index = 0;
  private size = 0;
  private buffered: string[] = [];
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly maxBytes = 8 * 1024 * 1024,
  ) {
    this.fd = openSync(join(dir, segmentName(0)), 'ax');
    fsyncDir(dir);
  }

  append(line: SegmentLine): void {
    if (this.closed) throw new Error(`The segment writer of ${this.dir} is closed.`);
    this.buffered.push(`${JSON.stringify(line)}\n`);
  }

  get pending(): number {
    return this.buffered.length;
  }

  /** Writes the buffered lines and fsyncs them; the ingester sees them after this returns. */
  flush(): void {
    if (this.buffered.length === 0) return;
    const text = this.buffered.join('');
    this.buffered = [];
    if (this.size > 0 && this.size + text.length > this.maxBytes) this.roll();
    const buf = Buffer.from(text);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    fsyncSync(this.fd);
    this.size += buf.length;
  }

  private roll(): void {
    // The current segment is complete and fsynced (flush() fsyncs before returning) before the next exists.
    closeSync(this.fd);
    this.index++;
    this.fd = openSync(join(this.dir, segmentName(this.index)), 'ax');
    fsyncDir(this.dir);
    this.size = 0;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    closeSync(this.fd);
    this.closed = true;
  }
}

export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the file's own fsync still holds its data.
  }
}

/**
 * Reads the complete lines an attempt folder's segments gained since the last call. Keeps its
 * place (segment, byte offset); never returns a line twice or a partial line.
 */
export class SegmentReader {
  private index = 0;
  private offset = 0;
  private carry: Buffer | null = null;
  private readonly chunk = Buffer.allocUnsafe(1 << 20);

  constructor(readonly dir: string) {}

  /** Where the reader is (for diagnostics and tests). */
  get position(): { segment: number; offset: number } {
    return { segment: this.index, offset: this.offset };
  }

  /** New complete lines, parsed. `limitBytes` bounds one call's work (the rest comes next time). */
  read(limitBytes = 64 * 1024 * 1024): SegmentLine[] {
    const out: SegmentLine[] = [];
    let budget = limitBytes;
    for (;;) {
      const file = join(this.dir, segmentName(this.index));
      if (!existsSync(file)) return out;
      const got = this.readFile(file, out, budget);
      budget -= got;
      if (budget <= 0) return out;
      // Moved on only when the next segment exists: then this one is final.
      if (got === 0 && existsSync(join(this.dir, segmentName(this.index + 1)))) {
        this.index++;
        this.offset = 0;
        this.carry = null;
        continue;
      }
      if (got === 0) return out;
    }
  }

  /** Reads from the offset to the end; returns bytes consumed as complete lines. */
  private readFile(file: string, out: SegmentLine[], budget: number): number {
    const fd = openSync(file, 'r');
    let consumed = 0;
    try {
      const size = fstatSync(fd).size;
      let pos = this.offset + (this.carry?.length ?? 0);
      while (pos < size && consumed < budget) {
        const n = readSync(fd, this.chunk, 0, Math.min(this.chunk.length, size - pos), pos);
        if (n <= 0) break;
        pos += n;
        const data = this.carry ? Buffer.concat([this.carry, this.chunk.subarray(0, n)]) : this.chunk.subarray(0, n);
        const last = data.lastIndexOf(10);
        if (last < 0) {
          this.carry = Buffer.from(data);
          continue;
        }
        const text = data.toString('utf8', 0, last + 1);
        this.carry = last + 1 < data.length ? Buffer.from(data.subarray(last + 1)) : null;
        let start = 0;
        for (;;) {
          const nl = text.indexOf('\n', start);
          if (nl < 0) break;
          if (nl > start) out.push(JSON.parse(text.slice(start, nl)) as SegmentLine);
          start = nl + 1;
        }
        const bytes = last + 1;
        this.offset += bytes;
        consumed += bytes;
      }
    } finally {
      closeSync(fd);
    }
    return consumed;
  }
}

/** Attempt folders (`attempt-NNNN`) of a run folder, in order. */
export function attemptDirs(runDir: string): string[] {
  if (!existsSync(runDir)) return [];
  return readdirSync(runDir)
    .filter((n) => /^attempt-\d+$/.test(n))
    .sort()
    .map((n) => join(runDir, n));
}
