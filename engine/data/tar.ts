/**
 * A tiny streaming tar reader (ustar / GNU headers, regular files only) for the official
 * `cifar-10-binary.tar.gz`: the archive is gunzipped and parsed chunk by chunk, and only the
 * wanted members are kept in memory. The raw (compressed) bytes are hashed with MD5 on the way.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { DatasetFileError } from './errors';
import type { ProgressCallback } from './types';

const BLOCK = 512;

export interface TarEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

function readString(h: Uint8Array, start: number, len: number): string {
  let end = start;
  while (end < start + len && h[end] !== 0) end++;
  return Buffer.from(h.subarray(start, end)).toString('utf8');
}

function readOctal(h: Uint8Array, start: number, len: number): number {
  const s = readString(h, start, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) return NaN;
  return parseInt(s, 8);
}

/** Incremental tar parser: feed it decompressed chunks, collect the members `want` accepts. */
export class TarParser {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Byte offset (in the uncompressed tar) of the next unread byte. */
  private offset = 0;
  private state: { kind: 'header' } | { kind: 'body'; name: string; size: number; keep: boolean; parts: Uint8Array[]; left: number; pad: number } = {
    kind: 'header',
  };
  private ended = false;
  private longName: string | null = null;
  readonly entries: TarEntry[] = [];

  constructor(
    private readonly file: string,
    private readonly want: (name: string) => boolean,
  ) {}

  push(chunk: Uint8Array): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.drain();
  }

  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const head = this.pending[0];
      if (!head) break;
      const k = Math.min(n - filled, head.length);
      out.set(head.subarray(0, k), filled);
      filled += k;
      if (k === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(k);
    }
    this.pendingBytes -= n;
    this.offset += n;
    return out;
  }

  private drain(): void {
    for (;;) {
      if (this.ended) {
        // Everything after the end-of-archive blocks is padding; drop it.
        this.offset += this.pendingBytes;
        this.pending = [];
        this.pendingBytes = 0;
        return;
      }
      const st = this.state;
      if (st.kind === 'header') {
        if (this.pendingBytes < BLOCK) return;
        const at = this.offset;
        const h = this.take(BLOCK);
        if (h.every((b) => b === 0)) {
          this.ended = true;
          continue;
        }
        const stored = readOctal(h, 148, 8);
        let sum = 0;
        for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (h[i] ?? 0);
        if (stored !== sum) throw new DatasetFileError(this.file, at, `tar header checksum mismatch (not a tar archive, or corrupt)`);
        const size = readOctal(h, 124, 12);
        if (!Number.isFinite(size)) throw new DatasetFileError(this.file, at + 124, 'tar header has an invalid size field');
        const type = String.fromCharCode(h[156] ?? 0);
        const magic = readString(h, 257, 6);
        const prefix = magic.startsWith('ustar') ? readString(h, 345, 155) : '';
        let name = prefix ? `${prefix}/${readString(h, 0, 100)}` : readString(h, 0, 100);
        if (this.longName !== null) {
          name = this.longName;
          this.longName = null;
        }
        const isFile = type === '0' || type === '\0';
        const isLongName = type === 'L';
        const keep = (isFile && this.want(name)) || isLongName;
        this.state = { kind: 'body', name: isLongName ? '\0L' : name, size, keep, parts: [], left: size, pad: (BLOCK - (size % BLOCK)) % BLOCK };
        continue;
      }
      // Body: stream it out in whatever pieces have arrived.
      if (st.left > 0) {
        if (this.pendingBytes === 0) return;
        const k = Math.min(st.left, this.pendingBytes);
        const piece = this.take(k);
        if (st.keep) st.parts.push(piece);
        st.left -= k;
        if (st.left > 0) return;
      }
      if (this.pendingBytes < st.pad) return;
      this.take(st.pad);
      if (st.keep) {
        const data = concat(st.parts, st.size);
        if (st.name === '\0L') this.longName = readString(data, 0, data.length);
        else this.entries.push({ name: st.name, data });
      }
      this.state = { kind: 'header' };
    }
  }

  /** Call after the last chunk: a member cut short is an error naming where the data ended. */
  finish(): void {
    if (this.state.kind === 'body' || (this.pendingBytes > 0 && !this.ended)) {
      const what = this.state.kind === 'body' ? `member ${this.state.name} is cut short` : 'a header is cut short';
      throw new DatasetFileError(this.file, this.offset + this.pendingBytes, `tar archive is truncated: ${what} (offset in the uncompressed tar)`);
    }
  }
}

function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface ReadTarResult {
  readonly entries: readonly TarEntry[];
  /** MD5 of the file as stored (compressed), hex. */
  readonly md5: string;
}

/** Streams a .tar.gz (or plain .tar) from disk, keeping the members `want` accepts. */
export async function readTarGz(
  path: string,
  want: (name: string) => boolean,
  onProgress?: ProgressCallback,
  limits: { readonly maxBytes?: number; readonly maxUnpackedBytes?: number } = {},
): Promise<ReadTarResult> {
  const st = await stat(path);
  // A device (/dev/zero), FIFO or socket never ends or has no size: only regular files are read.
  if (!st.isFile()) throw new DatasetFileError(path, null, 'not a regular file (a device, FIFO or socket); give the archive file itself');
  if (limits.maxBytes !== undefined && st.size > limits.maxBytes) {
    throw new DatasetFileError(path, null, `${st.size} bytes is larger than this archive can be (at most ${limits.maxBytes}); check the file`);
  }
  const total = st.size;
  let unpacked = 0;
  const parser = new TarParser(path, want);
  const hash = createHash('md5');
  let read = 0;
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const head = await new Promise<Buffer>((resolve, reject) => {
    // Peek at the first bytes to decide between gzip and plain tar.
    raw.once('readable', () => {
      const b = raw.read(2) as Buffer | null;
      if (b) raw.unshift(b);
      resolve(b ?? Buffer.alloc(0));
    });
    raw.once('error', reject);
  });
  const gz = head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
  await new Promise<void>((resolve, reject) => {
    const fail = (e: unknown): void => {
      raw.destroy();
      if (e instanceof DatasetFileError) reject(e);
      else reject(new DatasetFileError(path, null, `${gz ? 'gzip stream is corrupt or truncated' : 'read failed'} (${e instanceof Error ? e.message : String(e)})`));
    };
    raw.on('data', (chunk: Buffer | string) => {
      hash.update(chunk);
      read += chunk.length;
      onProgress?.(read, total);
    });
    raw.on('error', fail);
    const sink = gz ? raw.pipe(createGunzip()) : raw;
    sink.on('data', (chunk: Buffer | string) => {
      try {
        if (typeof chunk === 'string') throw new Error('unexpected text chunk');
        unpacked += chunk.length;
        if (limits.maxUnpackedBytes !== undefined && unpacked > limits.maxUnpackedBytes) {
          throw new DatasetFileError(path, null, `unpacks to more than ${limits.maxUnpackedBytes} bytes, more than this archive holds; check the file`);
        }
        parser.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      } catch (e) {
        fail(e);
      }
    });
    sink.on('error', fail);
    sink.on('end', () => {
      try {
        parser.finish();
        resolve();
      } catch (e) {
        fail(e);
      }
    });
  });
  return { entries: parser.entries, md5: hash.digest('hex') };
}
