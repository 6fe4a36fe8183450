/** Writers for small dataset files in the releases' formats (tests only). */
import { gzipSync } from 'node:zlib';

/** An IDX file of unsigned bytes with the given dimensions. */
export function makeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const head = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(head.buffer);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out.set(data, head.length);
  return out;
}

/** CIFAR-10 records: 1 label byte + R, G, B planes of 32×32; pixel (r, c, ch) = f(i, r, c, ch). */
export function makeCifarRecords(labels: readonly number[], pixel: (i: number, r: number, c: number, ch: number) => number): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((y, i) => {
    const at = i * 3073;
    out[at] = y;
    for (let ch = 0; ch < 3; ch++) for (let r = 0; r < 32; r++) for (let c = 0; c < 32; c++) out[at + 1 + ch * 1024 + r * 32 + c] = pixel(i, r, c, ch) & 255;
  });
  return out;
}

/** A ustar archive of the given files (optionally gzipped). */
export function makeTar(files: readonly { name: string; data: Uint8Array }[], gzip = true): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of files) {
    const h = new Uint8Array(512);
    const enc = new TextEncoder();
    h.set(enc.encode(f.name).subarray(0, 100), 0);
    h.set(enc.encode('0000644\0'), 100);
    h.set(enc.encode('0000000\0'), 108);
    h.set(enc.encode('0000000\0'), 116);
    h.set(enc.encode(f.data.length.toString(8).padStart(11, '0') + '\0'), 124);
    h.set(enc.encode('00000000000\0'), 136);
    h[156] = '0'.charCodeAt(0);
    h.set(enc.encode('ustar\0'), 257);
    h.set(enc.encode('00'), 263);
    h.fill(32, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.set(enc.encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
    parts.push(h, f.data, new Uint8Array((512 - (f.data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  const total = parts.reduce((s, p) => s + p.length, 0);
  const tar = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    tar.set(p, o);
    o += p.length;
  }
  return gzip ? gzipSync(tar) : tar;
}
