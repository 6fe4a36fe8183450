/**
 * Conv2D gradients built from the backend's own forward `Conv2D` (XNNPACK on wasm), so they
 * run at convolution speed instead of a scalar loop, and exist at all where the backend has
 * none (tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter`).
 *
 * With x [N,H,W,Ci], filter w [kh,kw,Ci,Co], strides s, padding (top, left) and
 * dy [N,Ho,Wo,Co]:
 *   dw[i,j,c,o] = Σ_{n,p,q} x[n, s·p + i − top, s·q + j − left, c] · dy[n,p,q,o]
 *     = a stride-1 convolution of x viewed as [Ci, H, W, N] (batch ↔ channels swapped)
 *       with dy viewed as a filter [Ho, Wo, N, Co] and dilation s; output [Ci, kh, kw, Co].
 *   dx = a stride-1 convolution of dy with the filter flipped in space and its channels
 *        swapped ([kh,kw,Co,Ci]), padded by (kh−1−top, kw−1−left), for stride 1.
 *        For stride s > 1 (polyphase): the rows y of dx with (y + top) mod s = r only meet
 *        the filter rows i ≡ r (mod s), so each of the s² phases is a stride-1 convolution
 *        of dy with the sub-filter w[r::s, c::s] (flipped), and the phases interleave into
 *        dx. Together they do exactly the forward's multiply-adds; convolving a
 *        zero-dilated dy instead would do s² times as many.
 * Both need explicit (asymmetric) padding; where the needed padding is negative the
 * operand is cropped instead.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { kernelRunner } from './kernelRunner';
import type { KernelRunner } from './kernelRunner';

type Pad = 'valid' | 'same' | number | number[][];
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

interface ConvGeometry {
  readonly batch: number;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly top: number;
  readonly left: number;
}

function geometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  strides: number | [number, number],
  pad: Pad,
  rounding: Rounding,
  dataFormat: string | undefined,
): ConvGeometry {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`conv2d gradient: only NHWC data is supported, got ${dataFormat}`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad as 'valid',
    rounding,
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

/**
 * Fits `t` ([N, H, W, C]) to a wanted extent along H and W: `before`/`after` rows of zero
 * padding (negative = crop). Returns the possibly cropped tensor and the non-negative pads.
 */
function fitSpatial(
  r: KernelRunner,
  t: TensorInfo,
  before: [number, number],
  after: [number, number],
): { t: TensorInfo; pad: [[number, number], [number, number], [number, number], [number, number]] } {
  const [n, h, w, c] = t.shape as [number, number, number, number];
  const cropTop = Math.max(0, -before[0]);
  const cropLeft = Math.max(0, -before[1]);
  const cropBottom = Math.max(0, -after[0]);
  const cropRight = Math.max(0, -after[1]);
  let out = t;
  if (cropTop + cropLeft + cropBottom + cropRight > 0) {
    out = r.run('Slice', { x: t }, {
      begin: [0, cropTop, cropLeft, 0],
      size: [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c],
    });
  }
  return {
    t: out,
    pad: [
      [0, 0],
      [Math.max(0, before[0]), Math.max(0, after[0])],
      [Math.max(0, before[1]), Math.max(0, after[1])],
      [0, 0],
    ],
  };
}

/** dw for `Conv2DBackpropFilter` (inputs x, dy; attrs strides, pad, filterShape, ...). */
export function conv2dBackpropFilterVia(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const a = attrs as unknown as {
      strides: number | [number, number];
      pad: Pad;
      dataFormat?: string;
      dimRoundingMode?: Rounding;
      filterShape: [number, number, number, number];
    };
    const g = geometry(x.shape, a.filterShape, a.strides, a.pad, a.dimRoundingMode, a.dataFormat);
    const r = kernelRunner(backend, backendName);
    // Extent of x the dilated "filter" dy sweeps for kh outputs: kh + s·(Ho − 1).
    const bottom = g.kh + g.sh * (g.outH - 1) - g.inH - g.top;
    const right = g.kw + g.sw * (g.outW - 1) - g.inW - g.left;
    const fitted = fitSpatial(r, x, [g.top, g.left], [bottom, right]);
    const xt = r.run('Transpose', { x: fitted.t }, { perm: [3, 1, 2, 0] }); // [Ci, H, W, N]
    const dyt = r.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [Ho, Wo, N, Co]
    const conv = r.run('Conv2D', { x: xt, filter: dyt }, {
      strides: [1, 1],
      pad: fitted.pad,
      dataFormat: 'NHWC',
      dilations: [g.sh, g.sw],
    }); // [Ci, kh, kw, Co]
    const dw = r.run('Transpose', { x: conv }, { perm: [1, 2, 0, 3] });
    return r.release(dw);
  };
}

/** dx for `Conv2DBackpropInput` (inputs dy, filter; attrs strides, pad, inputShape, ...). */
export function conv2dBackpropInputVia(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as unknown as {
      strides: number | [number, number];
      pad: Pad;
      dataFormat?: string;
      dimRoundingMode?: Rounding;
      inputShape: [number, number, number, number];
    };
    const g = geometry(a.inputShape, filter.shape, a.strides, a.pad, a.dimRoundingMode, a.dataFormat);
    const r = kernelRunner(backend, backendName);
    const dx = g.sh > 1 || g.sw > 1 ? inputGradPolyphase(r, dy, filter, g) : inputGradStride1(r, dy, filter, g);
    return r.release(dx);
  };
}

/** Flipped, channel-swapped filter [kh, kw, Co, Ci] (or a strided sub-filter of it). */
function flippedFilter(r: KernelRunner, filter: TensorInfo): TensorInfo {
  const flipped = r.run('Reverse', { x: filter }, { dims: [0, 1] });
  return r.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
}

function inputGradStride1(r: KernelRunner, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const top = g.kh - 1 - g.top;
  const left = g.kw - 1 - g.left;
  // Output must be inH: top + outH + bottom = inH + kh − 1.
  const fitted = fitSpatial(r, dy, [top, left], [g.inH + g.kh - 1 - top - g.outH, g.inW + g.kw - 1 - left - g.outW]);
  return r.run('Conv2D', { x: fitted.t, filter: flippedFilter(r, filter) }, {
    strides: [1, 1],
    pad: fitted.pad,
    dataFormat: 'NHWC',
    dilations: [1, 1],
  });
}

/**
 * One phase along one axis: output positions y = e, e + s, ... (e < s), `count` of them
 * (padded to a common count). With r = (e + top) mod s the filter taps are i = r + s·m,
 * m < K = ⌈(k − r)/s⌉, and output t-th position reads dy at t0 + t − m, t0 = (e + top − r)/s;
 * as a correlation with the flipped sub-filter that is dy padded by K − 1 − t0 before and
 * t0 + count − 1 − (outLen − 1) after.
 */
function phaseAxis(e: number, s: number, k: number, pad: number, count: number, outLen: number): { r: number; taps: number; before: number; after: number } {
  const r = (e + pad) % s;
  const taps = r < k ? Math.ceil((k - r) / s) : 0;
  const t0 = (e + pad - r) / s;
  return { r, taps, before: taps - 1 - t0, after: t0 + count - 1 - (outLen - 1) };
}

function inputGradPolyphase(r: KernelRunner, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const rows = Math.ceil(g.inH / g.sh);
  const cols = Math.ceil(g.inW / g.sw);
  const rowPhases: TensorInfo[] = [];
  for (let er = 0; er < g.sh; er++) {
    const colPhases: TensorInfo[] = [];
    const pr = phaseAxis(er, g.sh, g.kh, g.top, rows, g.outH);
    for (let ec = 0; ec < g.sw; ec++) {
      const pc = phaseAxis(ec, g.sw, g.kw, g.left, cols, g.outW);
      if (pr.taps === 0 || pc.taps === 0) {
        // No filter tap reaches these positions (e.g. a 1×1 filter with stride 2).
        colPhases.push(r.run('Fill', {}, { shape: [g.batch, rows, cols, g.inC], value: 0, dtype: 'float32' }));
        continue;
      }
      const sub = r.run('StridedSlice', { x: filter }, {
        begin: [pr.r, pc.r, 0, 0],
        end: [g.kh, g.kw, g.inC, g.outC],
        strides: [g.sh, g.sw, 1, 1],
        beginMask: 0,
        endMask: 0,
        ellipsisMask: 0,
        newAxisMask: 0,
        shrinkAxisMask: 0,
      });
      const fitted = fitSpatial(r, dy, [pr.before, pc.before], [pr.after, pc.after]);
      colPhases.push(
        r.run('Conv2D', { x: fitted.t, filter: flippedFilter(r, sub) }, {
          strides: [1, 1],
          pad: fitted.pad,
          dataFormat: 'NHWC',
          dilations: [1, 1],
        }),
      );
    }
    // [N, rows, cols, Ci] × sw → [N, rows, cols, sw, Ci]
    rowPhases.push(r.run('Pack', colPhases as unknown as NamedTensorInfoMap, { axis: 3 }));
  }
  // → [N, rows, sh, cols, sw, Ci] → [N, rows·sh, cols·sw, Ci], cropped to the input size.
  const packed = r.run('Pack', rowPhases as unknown as NamedTensorInfoMap, { axis: 2 });
  const merged = r.run('Reshape', { x: packed }, { shape: [g.batch, rows * g.sh, cols * g.sw, g.inC] });
  if (rows * g.sh === g.inH && cols * g.sw === g.inW) return merged;
  return r.run('Slice', { x: merged }, { begin: [0, 0, 0, 0], size: [g.batch, g.inH, g.inW, g.inC] });
}

export function conv2dBackpropKernels(backendName: string): KernelConfig[] {
  return [
    { kernelName: 'Conv2DBackpropFilter', backendName, kernelFunc: conv2dBackpropFilterVia(backendName) },
    { kernelName: 'Conv2DBackpropInput', backendName, kernelFunc: conv2dBackpropInputVia(backendName) },
  ];
}
