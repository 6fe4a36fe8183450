/**
 * Image-run checkpoints: everything needed to continue bit-for-bit — weights, momentum
 * buffers, BN running statistics, the shuffle / load / noise RNG states, the epoch, the
 * global step and the schedule state. Layout: "LRLIMG01", uint32 LE header length, JSON
 * header, zero padding to a multiple of 4, then the float32 tensors in header order.
 */
import * as tf from '@tensorflow/tfjs';
import type { RngState } from '../../random';
import type { ScheduleState } from '../../schedules';

const MAGIC = 'LRLIMG01';

export interface ImageCheckpointState {
  /** Last completed epoch (1-based). */
  readonly epoch: number;
  readonly step: number;
  readonly annealStep: number | null;
  readonly schedule: ScheduleState;
  readonly rng: { readonly shuffle: RngState; readonly load: RngState; readonly noise: RngState };
  /** Identifies the model so a checkpoint is not loaded into another one. */
  readonly modelKey: string;
}

interface TensorEntry {
  readonly group: 'param' | 'state' | 'momentum';
  readonly name: string;
  readonly shape: readonly number[];
  readonly length: number;
}

interface Header extends ImageCheckpointState {
  readonly tensors: readonly TensorEntry[];
}

export interface TensorGroups {
  readonly param: ReadonlyMap<string, tf.Variable>;
  readonly state: ReadonlyMap<string, tf.Variable>;
  readonly momentum: ReadonlyMap<string, tf.Variable>;
}

export async function encodeCheckpoint(meta: ImageCheckpointState, groups: TensorGroups): Promise<Uint8Array> {
  const entries: TensorEntry[] = [];
  const datas: Float32Array[] = [];
  for (const group of ['param', 'state', 'momentum'] as const) {
    for (const [name, v] of groups[group]) {
      const d = (await v.data()) as Float32Array;
      entries.push({ group, name, shape: v.shape, length: d.length });
      datas.push(d);
    }
  }
  const header: Header = { ...meta, tensors: entries };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headStart = MAGIC.length + 4;
  const dataStart = Math.ceil((headStart + json.length) / 4) * 4;
  const total = dataStart + 4 * datas.reduce((s, d) => s + d.length, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, json.length, true);
  out.set(json, headStart);
  const f = new Float32Array(out.buffer, dataStart);
  let o = 0;
  for (const d of datas) {
    f.set(d, o);
    o += d.length;
  }
  return out;
}

/** Reads a checkpoint's header (no tensors touched). */
export function readCheckpointHeader(bytes: Uint8Array): ImageCheckpointState & { tensors: readonly TensorEntry[]; dataStart: number } {
  const magic = new TextDecoder().decode(bytes.subarray(0, MAGIC.length));
  if (magic !== MAGIC) throw new Error(`Not an image-run checkpoint (magic "${magic}", expected "${MAGIC}")`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = view.getUint32(MAGIC.length, true);
  const headStart = MAGIC.length + 4;
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(headStart, headStart + len))) as Header;
  return { ...header, dataStart: Math.ceil((headStart + len) / 4) * 4 };
}

/** Loads a checkpoint's tensors into the given variables; every name and shape must match. */
export function restoreCheckpoint(bytes: Uint8Array, groups: TensorGroups): ImageCheckpointState {
  const h = readCheckpointHeader(bytes);
  // Copy so the floats are 4-byte aligned whatever the caller's buffer offset.
  const body = bytes.slice(h.dataStart);
  const f = new Float32Array(body.buffer, 0, body.byteLength / 4);
  const expected = (['param', 'state', 'momentum'] as const).reduce((s, g) => s + groups[g].size, 0);
  if (h.tensors.length !== expected) throw new Error(`Checkpoint has ${h.tensors.length} tensors, the model needs ${expected}`);
  let o = 0;
  for (const e of h.tensors) {
    const v = groups[e.group].get(e.name);
    if (!v) throw new Error(`Checkpoint tensor ${e.group}:${e.name} does not exist in this model`);
    if (v.shape.join('x') !== e.shape.join('x')) throw new Error(`Checkpoint tensor ${e.name} has shape [${e.shape.join(', ')}], the model's is [${v.shape.join(', ')}]`);
    tf.tidy(() => v.assign(tf.tensor(f.slice(o, o + e.length), e.shape as number[])));
    o += e.length;
  }
  const { tensors: _t, dataStart: _d, ...meta } = h;
  return meta;
}
