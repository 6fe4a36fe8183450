/**
 * The image experiment's training loop: per epoch, reshuffle, one Nesterov-SGD step per
 * minibatch (LR and noise from their schedules), then evaluate the clean, patch-only and
 * augmented validation sets, record metrics and checkpoint. Yields to the event loop after
 * every step so a host can stop it; NaN/Inf in the loss ends the run as 'diverged'.
 */
import { currentBackend, initBackend, webgpuAdapter } from '../../backend';
import { estimatePeakMemory } from '../../memory';
import type { BackendName } from '../../backend';
import { fillTrainBatch, loadDataset } from '../../data';
import type { ImageDataset, ImageSet, ProgressCallback, RunImages } from '../../data';
import { buildModel, evaluateBatch, modelParameterCount, trainStep } from '../../models';
import type { ImageModel } from '../../models';
import { Sgd } from '../../optim';
import { Rng } from '../../random';
import { CollapseWatch } from '../collapse';
import { INITIAL_SCHEDULE_STATE, isLrAnnealEpoch, isNoiseAnnealEpoch, learningRateAt, noiseStdAt, updateScheduleState } from '../../schedules';
import type { ScheduleState } from '../../schedules';
import type { Checkpoint, MetricRecord, RunEvent, RunHooks, RunOptions, RunResult } from '../types';
import { encodeCheckpoint, restoreCheckpoint } from './checkpoint';
import type { ImageSpec } from './spec';
import { batchIndices, batchStreams, runImagesFor, shuffleEpoch, stepsPerEpoch as epochSteps } from './batches';

export interface ImageRunExtras {
  /** Dataset load progress (bytes or files), for the host's progress bar. */
  readonly onDatasetProgress?: ProgressCallback;
  /** Use this dataset instead of loading `spec.dataset` (tests; a host that already holds it). */
  readonly dataset?: ImageDataset;
}

const nextTick = (): Promise<void> => new Promise((r) => setImmediate(r));

function modelKey(spec: ImageSpec): string {
  return JSON.stringify(spec.model) + `|${spec.dataset.name}`;
}

/** Rough wasm memory need (GB) of a WRN step, scaled from WRN-16-4 32×32 batch 128 ≈ 3.5 GB (measured). */
export function estimateWasmGb(spec: ImageSpec, height: number, width: number): number {
  if (spec.model.arch !== 'wrn') return 0;
  return 3.5 * (spec.model.widen / 4) * (spec.optim.batchSize / 128) * ((height * width) / 1024) * ((spec.model.depth - 4) / 12);
}

async function ensureBackend(spec: ImageSpec): Promise<BackendName> {
  const cur = currentBackend();
  if (spec.backend === 'auto') return (cur ?? (await initBackend())).name;
  if (cur?.name === spec.backend) return cur.name;
  return (await initBackend({ force: spec.backend })).name;
}

export async function runImageExperiment(spec: ImageSpec, hooks: RunHooks = {}, options: RunOptions & ImageRunExtras = {}): Promise<RunResult> {
  const t0 = performance.now();
  const backend = await ensureBackend(spec);
  const emit = (e: RunEvent): void => hooks.onEvent?.(e);
  const ds = options.dataset ?? await loadDataset({ name: spec.dataset.name, path: spec.dataset.path, verifyChecksum: spec.dataset.verifyChecksum, onProgress: options.onDatasetProgress });
  const images = runImagesFor(spec, ds);
  const inputShape = [ds.height, ds.width, ds.channels] as const;
  const classes = ds.classes;
  if (backend === 'wasm') {
    const gb = estimateWasmGb(spec, ds.height, ds.width);
    if (gb > 3.8) {
      throw new Error(
        `This model needs about ${gb.toFixed(1)} GB per training step (estimate), more than the wasm backend's 4 GiB: ` +
          `use the tensorflow or tensorflow-gpu backend, a smaller widen factor or a smaller batch.`,
      );
    }
  }
  if (backend === 'webgpu') {
    // Against the GPU memory budget and the adapter's largest bindable buffer (engine/memory/gpu.ts).
    const limit = webgpuAdapter()?.limits['maxStorageBufferBindingSize'];
    const m = estimatePeakMemory({ model: spec.model, inputShape, batch: spec.optim.batchSize, backend, classes, ...(limit !== undefined ? { bufferLimitBytes: limit } : {}) });
    if (!m.fits) throw new Error(m.message);
  }
  const model = buildModel(spec.model, { inputShape, classes, rng: Rng.forStream(spec.seed, 'init') });
  const opt = new Sgd({ momentum: spec.optim.momentum, nesterov: spec.optim.nesterov, weightDecay: spec.optim.weightDecay }, model.params);
  try {
    return await train(spec, hooks, options, { images, model, opt, inputShape, classes, backend, t0, emit });
  } finally {
    model.dispose();
    opt.dispose();
  }
}

interface Ctx {
  readonly images: RunImages;
  readonly model: ImageModel;
  readonly opt: Sgd;
  readonly inputShape: readonly [number, number, number];
  readonly classes: number;
  readonly backend: BackendName;
  readonly t0: number;
  readonly emit: (e: RunEvent) => void;
}

async function train(spec: ImageSpec, hooks: RunHooks, options: RunOptions, ctx: Ctx): Promise<RunResult> {
  const { images, model, opt, inputShape, classes, emit } = ctx;
  const n = images.train.count;
  const B = spec.optim.batchSize;
  const stepsPerEpoch = epochSteps(n, B);
  const totalSteps = stepsPerEpoch * spec.epochs;
  // The same streams, order and slices as the patch visualizer's (batches.ts).
  let { shuffle: shuffleRng, load: loadRng } = batchStreams(spec.seed);
  let noiseRng = Rng.forStream(spec.seed, 'noise');
  let startEpoch = 1;
  let step = 0;
  let schedule: ScheduleState = INITIAL_SCHEDULE_STATE;
  let annealStep: number | null = null;
  const groups = { param: model.params, state: model.state, momentum: opt.buffers };
  if (options.resumeFrom) {
    const st = restoreCheckpoint(options.resumeFrom.bytes, groups);
    if (st.modelKey !== modelKey(spec)) throw new Error(`Checkpoint is for model ${st.modelKey}, this run's is ${modelKey(spec)}`);
    shuffleRng = Rng.fromState(st.rng.shuffle);
    loadRng = Rng.fromState(st.rng.load);
    noiseRng = Rng.fromState(st.rng.noise);
    startEpoch = st.epoch + 1;
    step = st.step;
    schedule = st.schedule;
    annealStep = st.annealStep;
    emit({ kind: 'resume', step, epoch: st.epoch, message: `Resumed after epoch ${st.epoch} (step ${step})` });
  } else {
    emit({
      kind: 'info',
      step: 0,
      epoch: null,
      message: `${spec.model.arch === 'wrn' ? `WRN-${spec.model.depth}-${spec.model.widen}` : `small CNN w=${spec.model.width}`} (${modelParameterCount(spec.model, inputShape, classes)} parameters, ${model.noiseSites} noise sites) on ${n} ${spec.dataset.name} images, backend ${ctx.backend}`,
      data: { parameters: model.parameterCount(), trainImages: n, backend: ctx.backend },
    });
  }
  const per = images.pixelsPerImage;
  const x = new Float32Array(B * per);
  const labels = new Int32Array(B);
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  let final: Record<string, number> = {};
  const segmentStart = performance.now();
  const record = (values: Record<string, number>, epoch: number | null): void => {
    const m: MetricRecord = { step, epoch, wallTimeMs: performance.now() - segmentStart, values };
    final = { ...final, ...values };
    hooks.onMetrics?.(m);
  };
  // Chance = log C; decided from the epoch-mean training loss, "stays at chance" from epoch 2 on
  // (or at the last epoch of a shorter run). In an epoch trained with noise that loss is measured
  // with the noise on, so the clean validation accuracy (noise-free) must confirm a collapse.
  // docs/science.md, "Collapse detection".
  const watch = new CollapseWatch({ chanceLoss: Math.log(classes), what: 'epoch-mean training loss' });
  const result = (status: RunResult['status'], stopReason: string, epochs: number): RunResult => ({
    status,
    steps: step,
    epochs,
    annealStep,
    stopReason: watch.collapsed && status === 'completed' ? `${stopReason}; collapsed (${watch.finding?.kind ?? ''})` : stopReason,
    wallS: (performance.now() - ctx.t0) / 1000,
    final,
    collapsed: watch.collapsed,
  });

  for (let epoch = startEpoch; epoch <= spec.epochs; epoch++) {
    const pos0 = { epoch, iteration: step };
    if (isLrAnnealEpoch(spec.lrSchedule, epoch, schedule) || isNoiseAnnealEpoch(spec.noiseSchedule, epoch)) {
      annealStep ??= step;
      emit({
        kind: 'anneal',
        step,
        epoch,
        message: `Epoch ${epoch}: lr ${learningRateAt(spec.lrSchedule, spec.optim.lr, pos0, schedule)}, noise ${noiseStdAt(spec.noiseSchedule, pos0)}`,
      });
    }
    shuffleEpoch(order, shuffleRng);
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let winLoss = 0;
    let winCorrect = 0;
    let winSeen = 0;
    let lr = 0;
    let std = 0;
    let noisy = false;
    for (let s = 0; s < stepsPerEpoch; s++) {
      if (hooks.shouldStop?.()) return result('stopped', 'stopped by the user', epoch - 1);
      const pos = { epoch, iteration: step };
      lr = learningRateAt(spec.lrSchedule, spec.optim.lr, pos, schedule);
      std = noiseStdAt(spec.noiseSchedule, pos);
      noisy ||= std > 0;
      const idx = batchIndices(order, s, B);
      fillTrainBatch(images, idx, loadRng, x, labels);
      const r = await trainStep(model, opt, { x, labels, batch: idx.length }, lr, std > 0 ? { std, rng: noiseRng } : null, inputShape, classes);
      step++;
      if (!Number.isFinite(r.loss)) {
        record({ lr, noise: std, 'train/loss': r.loss }, epoch);
        emit({ kind: 'divergence', step, epoch, message: `Training loss became ${r.loss} at step ${step} (lr ${lr})`, data: { loss: String(r.loss), lr } });
        return result('diverged', `${r.loss} in train/loss`, epoch - 1);
      }
      lossSum += r.loss * idx.length;
      correct += r.correct;
      seen += idx.length;
      winLoss += r.loss * idx.length;
      winCorrect += r.correct;
      winSeen += idx.length;
      hooks.onProgress?.({ step, totalSteps, epoch, totalEpochs: spec.epochs });
      const every = spec.logging.everyIterations;
      if (every > 0 && step % every === 0 && s !== stepsPerEpoch - 1) {
        record({ lr, noise: std, 'train/loss': winLoss / winSeen, 'train/acc': winCorrect / winSeen }, epoch);
        winLoss = winCorrect = winSeen = 0;
      }
      await nextTick();
    }
    const trainLoss = lossSum / seen;
    schedule = updateScheduleState(spec.lrSchedule, schedule, epoch, trainLoss);
    const values: Record<string, number> = { lr, noise: std, 'train/loss': trainLoss, 'train/acc': correct / seen };
    const evalSet = async (set: ImageSet | null, key: string): Promise<void> => {
      if (!set) return;
      const m = await evaluateSet(model, set, per, spec.logging.evalBatchSize, inputShape, classes);
      values[`val/${key}/loss`] = m.loss;
      values[`val/${key}/acc`] = m.acc;
    };
    await evalSet(images.validation.clean, 'clean');
    await evalSet(images.validation.patchOnly, 'patch_only');
    await evalSet(images.validation.augmented, 'augmented');
    const cleanAcc = values['val/clean/acc'];
    const check = noisy && cleanAcc !== undefined ? { accuracy: cleanAcc, chanceAccuracy: 1 / classes } : undefined;
    const collapse = watch.observe(trainLoss, step, epoch, epoch >= 2 || epoch === spec.epochs, check);
    if (collapse) emit(collapse);
    record(values, epoch);
    if (hooks.onCheckpoint) {
      const bytes = await encodeCheckpoint(
        { epoch, step, annealStep, schedule, rng: { shuffle: shuffleRng.getState(), load: loadRng.getState(), noise: noiseRng.getState() }, modelKey: modelKey(spec) },
        groups,
      );
      const c: Checkpoint = { step, epoch, bytes };
      await hooks.onCheckpoint(c);
      emit({ kind: 'checkpoint', step, epoch, message: `Checkpoint after epoch ${epoch} (${bytes.length} bytes)` });
    }
  }
  return result('completed', `${spec.epochs} epochs`, spec.epochs);
}

/** Mean loss and accuracy over a validation set, in eval mode. */
export async function evaluateSet(
  model: ImageModel,
  set: ImageSet,
  pixelsPerImage: number,
  batch: number,
  inputShape: readonly [number, number, number],
  classes: number,
): Promise<{ loss: number; acc: number }> {
  const x = new Float32Array(batch * pixelsPerImage);
  const labels = new Int32Array(batch);
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < set.count; start += batch) {
    const k = Math.min(batch, set.count - start);
    x.fill(0, 0, k * pixelsPerImage);
    set.fill(start, k, x);
    for (let i = 0; i < k; i++) labels[i] = set.labels[start + i] ?? 0;
    const r = await evaluateBatch(model, { x, labels, batch: k }, inputShape, classes);
    lossSum += r.lossSum;
    correct += r.correct;
    await nextTick();
  }
  return { loss: lossSum / set.count, acc: correct / set.count };
}
