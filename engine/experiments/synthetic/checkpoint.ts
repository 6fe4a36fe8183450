/**
 * Checkpoint bytes of a synthetic run: everything a resumed run needs to continue exactly as
 * the uninterrupted one (the data is redrawn from the seed, so it is not stored).
 *
 * Layout: uint32 little-endian header length, UTF-8 JSON header, zero padding to a multiple of
 * 4, then UT as float32 little-endian ([D, m] row-major).
 */
import type { RngState } from '../../random';

export interface SyntheticState {
  /** Updates done so far. */
  readonly step: number;
  readonly annealStep: number | null;
  readonly annealed: boolean;
  readonly D: number;
  readonly m: number;
  readonly rng: Readonly<Record<string, RngState>>;
  /** UT [D, m]. */
  readonly weights: Float32Array;
}

const FORMAT = 'lrlab-synthetic-checkpoint-v1';

export function encodeCheckpoint(s: SyntheticState): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({ format: FORMAT, step: s.step, annealStep: s.annealStep, annealed: s.annealed, D: s.D, m: s.m, rng: s.rng }),
  );
  const offset = 4 + Math.ceil(header.length / 4) * 4;
  const bytes = new Uint8Array(offset + s.weights.length * 4);
  new DataView(bytes.buffer).setUint32(0, header.length, true);
  bytes.set(header, 4);
  const dv = new DataView(bytes.buffer, offset);
  for (let i = 0; i < s.weights.length; i++) dv.setFloat32(i * 4, s.weights[i]!, true);
  return bytes;
}

interface Header {
  format: string;
  step: number;
  annealStep: number | null;
  annealed: boolean;
  D: number;
  m: number;
  rng: Record<string, RngState>;
}

export function decodeCheckpoint(bytes: Uint8Array): SyntheticState {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 4) throw new Error('Checkpoint too short');
  const len = view.getUint32(0, true);
  if (4 + len > bytes.byteLength) throw new Error('Checkpoint header is truncated');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + len))) as Header;
  if (header.format !== FORMAT) throw new Error(`Not a synthetic-experiment checkpoint (format ${String(header.format)})`);
  const offset = 4 + Math.ceil(len / 4) * 4;
  const count = header.D * header.m;
  if (offset + count * 4 !== bytes.byteLength) throw new Error('Checkpoint weights have the wrong size');
  const weights = new Float32Array(count);
  for (let i = 0; i < count; i++) weights[i] = view.getFloat32(offset + i * 4, true);
  return { step: header.step, annealStep: header.annealStep, annealed: header.annealed, D: header.D, m: header.m, rng: header.rng, weights };
}
