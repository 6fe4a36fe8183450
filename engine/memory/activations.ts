/**
 * Sizes a model description implies, without building it: parameter count and the number
 * of activation values per example that a training step keeps alive for its backward pass.
 * The model descriptions are plain data (the image spec maps to them).
 */
export type ModelDescription =
  | { readonly arch: 'wrn'; readonly depth: number; readonly widen: number }
  | { readonly arch: 'small-cnn'; readonly width: number }
  | { readonly arch: 'two-layer'; readonly inputDim: number; readonly width: number };

export interface ModelSizes {
  readonly params: number;
  /** Σ over conv (or hidden) layers of output elements, per example. */
  readonly activationsPerExample: number;
  /** Input elements per example. */
  readonly inputPerExample: number;
}

/** [height, width, channels] for conv nets; ignored by the two-layer net (inputDim says it). */
export type InputShape = readonly [number, number, number];

export function modelSizes(model: ModelDescription, inputShape: InputShape, classes = 10): ModelSizes {
  if (model.arch === 'two-layer') {
    return { params: model.inputDim * model.width, activationsPerExample: model.width, inputPerExample: model.inputDim };
  }
  const [h0, w0, c0] = inputShape;
  let h = h0;
  let w = w0;
  let params = 0;
  let acts = 0;
  const conv = (k: number, cin: number, cout: number, stride: number): void => {
    h = Math.ceil(h / stride);
    w = Math.ceil(w / stride);
    params += k * k * cin * cout;
    acts += h * w * cout;
  };
  let cin = c0;
  if (model.arch === 'wrn') {
    if ((model.depth - 4) % 6 !== 0 || model.depth < 10) throw new RangeError(`WRN depth must be 6n + 4, got ${model.depth}`);
    const n = (model.depth - 4) / 6;
    conv(3, cin, 16, 1);
    cin = 16;
    [16, 32, 64].forEach((base, g) => {
      const cout = base * model.widen;
      for (let b = 0; b < n; b++) {
        const stride = b === 0 && g > 0 ? 2 : 1;
        params += 2 * cin; // bn1
        const hIn = h;
        const wIn = w;
        conv(3, cin, cout, stride);
        params += 2 * cout; // bn2
        conv(3, cout, cout, 1);
        if (cin !== cout) {
          const hOut = h;
          const wOut = w;
          h = hIn;
          w = wIn;
          conv(1, cin, cout, stride);
          h = hOut;
          w = wOut;
        }
        cin = cout;
      }
    });
    params += 2 * cin;
  } else {
    [1, 2, 4].forEach((m, i) => {
      conv(3, cin, m * model.width, i === 0 ? 1 : 2);
      params += 2 * m * model.width;
      cin = m * model.width;
    });
  }
  params += cin * classes + classes;
  return { params, activationsPerExample: acts, inputPerExample: h0 * w0 * c0 };
}
