/**
 * One seeded generator per run (xoshiro128**, 128-bit state, period 2^128 − 1).
 *
 * A run derives independent named streams from its seed (`Rng.forStream(seed, 'init')`),
 * so adding a draw to one part of the engine (say, gradient noise) never shifts the numbers
 * another part sees (data, init). The whole state is four uint32 words plus the cached
 * Gaussian, so it checkpoints exactly (`getState` / `Rng.fromState`).
 */
export interface RngState {
  readonly s: readonly [number, number, number, number];
  /** A Gaussian left cached by the earlier polar method (old checkpoints), or null. */
  readonly spare: number | null;
}

const TWO_POW_32 = 4294967296;

/**
 * A native `fillNormal` that draws exactly this file's numbers (the same xoshiro128** and
 * ziggurat, on the tables passed in) 3–4× faster: engine/kernels installs the oneDNN
 * addon's when it loads. `state` is the generator's four words, advanced in place.
 */
export type NativeNormalFill = (
  k: Float64Array,
  w: Float64Array,
  f: Float64Array,
  r: number,
  state: Uint32Array,
  out: Float32Array,
  std: number,
  mean: number,
) => void;
let nativeFill: NativeNormalFill | null = null;
/** Below this many draws the call costs more than it saves. */
const NATIVE_MIN = 256;

/** Installs (or, with null, removes) the native Gaussian fill used by `Rng.fillNormal`. */
export function useNativeNormals(fill: NativeNormalFill | null): void {
  nativeFill = fill;
}

/** splitmix32: spreads a 32-bit seed into well-mixed words for the xoshiro state. */
function splitmix32(x: number): () => number {
  let a = x >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a hash of a stream name, so stream names map to fixed, distinct sub-seeds. */
function hashString(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  private constructor(s: readonly [number, number, number, number]) {
    [this.s0, this.s1, this.s2, this.s3] = s;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // all-zero state is a fixed point
  }

  /** A generator for `seed` (any safe integer). */
  static fromSeed(seed: number): Rng {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    const mix = splitmix32(lo ^ Math.imul(hi, 0x27d4eb2d));
    return new Rng([mix(), mix(), mix(), mix()]);
  }

  /** An independent stream for one purpose of a run ('data', 'init', 'noise', ...). */
  static forStream(seed: number, stream: string): Rng {
    const base = Rng.fromSeed(seed);
    const mix = splitmix32(base.nextUint32() ^ hashString(stream));
    return new Rng([mix(), mix(), mix(), mix()]);
  }

  static fromState(state: RngState): Rng {
    const r = new Rng(state.s);
    r.spare = state.spare;
    return r;
  }

  getState(): RngState {
    return { s: [this.s0, this.s1, this.s2, this.s3], spare: this.spare };
  }

  /** Uniform uint32. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    return result;
  }

  /** Uniform on [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform on [a, b). */
  uniformRange(a: number, b: number): number {
    return a + (b - a) * this.uniform();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** +1 or −1 with probability 1/2 each. */
  sign(): 1 | -1 {
    return (this.nextUint32() & 1) === 0 ? 1 : -1;
  }

  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /**
   * Standard normal N(0, 1) by the ziggurat method (see `ZIG` below): one uint32 per draw
   * about 98.8% of the time. A spare left by the earlier polar method (in an old checkpoint)
   * is returned first, so restored states continue exactly.
   */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const u = this.nextUint32();
    const iz = u & 127;
    const j = (u | 0) >> 7; // signed 25-bit integer from the other 25 bits
    if (Math.abs(j) < ZIG.k[iz]!) return j * ZIG.w[iz]!;
    return this.normalTail(j, iz);
  }

  /** The ziggurat's rejection step (wedges and the base strip's tail). */
  private normalTail(j0: number, iz0: number): number {
    let j = j0;
    let iz = iz0;
    for (;;) {
      const x = j * ZIG.w[iz]!;
      if (iz === 0) {
        // Tail beyond R (Marsaglia 1964): t = −ln(U1)/R, accept when −2·ln(U2) > t².
        let t: number, y: number;
        do {
          t = -Math.log(this.openUniform()) / ZIG_R;
          y = -Math.log(this.openUniform());
        } while (y + y < t * t);
        return j > 0 ? ZIG_R + t : -ZIG_R - t;
      }
      const f0 = ZIG.f[iz]!;
      if (f0 + this.uniform() * (ZIG.f[iz - 1]! - f0) < Math.exp(-0.5 * x * x)) return x;
      const u = this.nextUint32();
      iz = u & 127;
      j = (u | 0) >> 7;
      if (Math.abs(j) < ZIG.k[iz]!) return j * ZIG.w[iz]!;
    }
  }

  /** Uniform on (0, 1): never 0, so its logarithm is finite. */
  private openUniform(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32;
  }

  /**
   * Fills `out` with N(mean, std²) samples and returns it: the same numbers as `out.length`
   * calls of `normal()`, with the generator inlined for speed (native where installed).
   */
  fillNormal(out: Float32Array, std = 1, mean = 0): Float32Array {
    const n = out.length;
    let i = 0;
    if (n > 0 && this.spare !== null) out[i++] = mean + std * this.normal();
    if (nativeFill && n - i >= NATIVE_MIN) {
      const state = new Uint32Array([this.s0, this.s1, this.s2, this.s3]);
      nativeFill(ZIG.k, ZIG.w, ZIG.f, ZIG_R, state, i === 0 ? out : out.subarray(i), std, mean);
      this.s0 = state[0]!;
      this.s1 = state[1]!;
      this.s2 = state[2]!;
      this.s3 = state[3]!;
      return out;
    }
    const k = ZIG.k;
    const w = ZIG.w;
    let s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    while (i < n) {
      // xoshiro128** step, exactly as nextUint32 (kept in locals for speed).
      const r = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const iz = r & 127;
      const j = r >> 7;
      if (Math.abs(j) < k[iz]!) {
        out[i++] = mean + std * (j * w[iz]!);
        continue;
      }
      this.s0 = s0 >>> 0;
      this.s1 = s1 >>> 0;
      this.s2 = s2 >>> 0;
      this.s3 = s3 >>> 0;
      out[i++] = mean + std * this.normalTail(j, iz);
      s0 = this.s0;
      s1 = this.s1;
      s2 = this.s2;
      s3 = this.s3;
    }
    this.s0 = s0 >>> 0;
    this.s1 = s1 >>> 0;
    this.s2 = s2 >>> 0;
    this.s3 = s3 >>> 0;
    return out;
  }

  /** Fills `out` with U(a, b) samples and returns it. */
  fillUniform(out: Float32Array, a = 0, b = 1): Float32Array {
    const w = b - a;
    for (let i = 0; i < out.length; i++) out[i] = a + w * this.uniform();
    return out;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: unknown }>(arr: T): T {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = arr[i];
      arr[i] = arr[j];
      arr[j] = tmp;
    }
    return arr;
  }
}

/**
 * Ziggurat tables (Marsaglia & Tsang 2000, 128 layers of area v, base strip edge R) for the
 * signed 25-bit integers j the draws use: a draw is j·w[i] when |j| < k[i] (inside layer
 * i's rectangle), else the rejection step decides. The layer index and j come from disjoint
 * bits of one uint32, avoiding the correlation Doornik (2005) found in the original.
 */
const ZIG_R = 3.442619855899;
const ZIG = ((): { k: Float64Array; w: Float64Array; f: Float64Array } => {
  const m = 2 ** 24; // |j| < 2^24
  const v = 9.91256303526217e-3;
  const k = new Float64Array(128);
  const w = new Float64Array(128);
  const f = new Float64Array(128);
  let dn = ZIG_R;
  let tn = dn;
  const q = v / Math.exp(-0.5 * dn * dn);
  k[0] = Math.floor((dn / q) * m);
  k[1] = 0;
  w[0] = q / m;
  w[127] = dn / m;
  f[0] = 1;
  f[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(v / dn + Math.exp(-0.5 * dn * dn)));
    k[i + 1] = Math.floor((dn / tn) * m);
    tn = dn;
    f[i] = Math.exp(-0.5 * dn * dn);
    w[i] = dn / m;
  }
  return { k, w, f };
})();

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
