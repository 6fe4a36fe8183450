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
 *   dx = a stride-1 convolution of dy dilated by s (s−1 zeros between entries) with the
 *        filter flipped in space and its channels swapped ([kh,kw,Co,Ci]), padded by
 *        (kh−1−top, kw−1−left).
 * Both need explicit (asymmetric) padding; where the needed padding is negative the
 * operand is cropped instead.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
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
    let d = dy;
    if (g.sh > 1 || g.sw > 1) {
      // Zero-dilate: [N,Ho,1,Wo,1,Co] padded to [N,Ho,sh,Wo,sw,Co] → [N, Ho·sh, Wo·sw, Co]
      // (s − 1 trailing zeros per entry; the last ones are cropped or count as padding).
      const six = r.run('Reshape', { x: dy }, { shape: [g.batch, g.outH, 1, g.outW, 1, g.outC] });
      const padded = r.run('PadV2', { x: six }, {
        paddings: [[0, 0], [0, 0], [0, g.sh - 1], [0, 0], [0, g.sw - 1], [0, 0]],
        constantValue: 0,
      });
      d = r.run('Reshape', { x: padded }, { shape: [g.batch, g.outH * g.sh, g.outW * g.sw, g.outC] });
    }
    const top = g.kh - 1 - g.top;
    const left = g.kw - 1 - g.left;
    // Output must be inH: top + len + bottom = inH + kh − 1.
    const bottom = g.inH + g.kh - 1 - top - d.shape[1]!;
    const right = g.inW + g.kw - 1 - left - d.shape[2]!;
    const fitted = fitSpatial(r, d, [top, left], [bottom, right]);
    const flipped = r.run('Reverse', { x: filter }, { dims: [0, 1] });
    const wt = r.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] }); // [kh, kw, Co, Ci]
    const dx = r.run('Conv2D', { x: fitted.t, filter: wt }, {
      strides: [1, 1],
      pad: fitted.pad,
      dataFormat: 'NHWC',
      dilations: [1, 1],
    });
    return r.release(dx);
  };
}

export function conv2dBackpropKernels(backendName: string): KernelConfig[] {
  return [
    { kernelName: 'Conv2DBackpropFilter', backendName, kernelFunc: conv2dBackpropFilterVia(backendName) },
    { kernelName: 'Conv2DBackpropInput', backendName, kernelFunc: conv2dBackpropInputVia(backendName) },
  ];
}
