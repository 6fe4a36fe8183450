/**
 * The synthetic experiment's training loop (docs/paper.md §1.3–1.4):
 *   U_{t+1} = U_t − γ_t (∇L̂_λ(U_t) + ξ_t),  ξ_t ~ N(0, τ_ξ² I) fresh each step,
 * with γ_t and the pre-activation noise τ_t set by the algorithm (L-S, S, S+noise).
 *
 * Random streams (one seed, named streams, so adding draws to one never shifts another):
 * 'patterns' (w*, z, ζ), 'train-data', 'test-data', 'second-layer', 'init',
 * 'gradient-noise', 'preactivation-noise', 'minibatch'.
 */
import type * as tf from '@tensorflow/tfjs';
import { newStepState, STATE, STATE_HEADER } from '../../kernels';
import { Rng } from '../../random';
import { CollapseWatch } from '../collapse';
import type { MetricRecord, RunEvent, RunHooks, RunOptions, RunResult } from '../types';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint';
import type { Dataset } from './data';
import { drawDataset, drawPatterns, kindFractions } from './data';
import { testMetrics, trainMetrics } from './metrics';
import type { StepBatch } from './model';
import { SyntheticNet, disposeBatch, disposeChunks, toPatchRows } from './model';
import type { ResolvedSynthetic } from './resolve';
import { resolveSyntheticSpec } from './resolve';
import type { SyntheticSpec } from './spec';
import { annealPhase } from '../../schedules';
import { syntheticSchedule } from './schedule';

export interface SyntheticSetup {
  readonly resolved: ResolvedSynthetic;
  readonly train: Dataset;
  readonly test: Dataset;
  /** Empirical fractions of the training set (the paper's p, q). */
  readonly p: number;
  readonly q: number;
  /** [k·m] second layer ±1/√m. */
  readonly u: Float32Array;
  /** [D, m] initial UT. */
  readonly u0T: Float32Array;
}

/** Draws everything a run starts from (data, second layer, init) from the spec's seed. */
export function setupSynthetic(spec: SyntheticSpec): SyntheticSetup {
  const { resolved: R, problems } = resolveSyntheticSpec(spec);
  if (problems.length > 0) throw new Error(`Invalid synthetic spec: ${problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; ')}`);
  const seed = spec.seed;
  // App. E.2 assumes z, ζ live on the last d/k coordinates (one patch) for the conv model.
  const qSupport = R.variant === 'two-layer-conv' ? R.d / R.k : R.d;
  const pat = drawPatterns(Rng.forStream(seed, 'patterns'), R.d, R.r, R.gamma0, qSupport);
  const train = drawDataset(Rng.forStream(seed, 'train-data'), pat, R.N, R.p0, R.q0);
  const test = drawDataset(Rng.forStream(seed, 'test-data'), pat, R.testSize, R.p0, R.q0);
  const { p, q } = kindFractions(train);
  const uRng = Rng.forStream(seed, 'second-layer');
  const u = new Float32Array(R.k * R.m);
  for (let i = 0; i < u.length; i++) u[i] = uRng.sign() / Math.sqrt(R.m);
  const D = (2 * R.d) / R.k;
  const u0T = Rng.forStream(seed, 'init').fillNormal(new Float32Array(D * R.m), R.tau0);
  return { resolved: R, train, test, p, q, u, u0T };
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

export async function runSyntheticExperiment(spec: SyntheticSpec, hooks: RunHooks = {}, options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const wallMs = () => performance.now() - started;
  const S = setupSynthetic(spec);
  const R = S.resolved;
  const seed = spec.seed;
  const sched = syntheticSchedule(spec.algorithm);
  /** Loss below which L-S anneals (ε1 + q·log 2, q the drawn training set's Q-only share), or null. */
  const annealBelow = sched.annealEps1 !== null ? sched.annealEps1 + S.q * Math.LN2 : null;
  const lrAt = (a: boolean) => annealPhase(sched, a).lr;
  const noiseAt = (a: boolean) => annealPhase(sched, a).noise;
  const rngs = {
    'gradient-noise': Rng.forStream(seed, 'gradient-noise'),
    'preactivation-noise': Rng.forStream(seed, 'preactivation-noise'),
    minibatch: Rng.forStream(seed, 'minibatch'),
  };
  const net = new SyntheticNet(R.d, R.m, R.k, S.u0T, S.u);
  let step = 0;
  let annealStep: number | null = null;
  let annealed = false;
  let resumedAt: number | null = null;

  const emit = (e: RunEvent) => hooks.onEvent?.(e);
  if (options.resumeFrom) {
    const c = decodeCheckpoint(options.resumeFrom.bytes);
    if (c.D !== net.D || c.m !== R.m) {
      net.dispose();
      throw new Error(`Checkpoint shape [${c.D}, ${c.m}] does not match this spec's [${net.D}, ${R.m}]`);
    }
    net.setWeights(c.weights);
    for (const [name, st] of Object.entries(c.rng)) {
      if (name in rngs) rngs[name as keyof typeof rngs] = Rng.fromState(st);
    }
    step = c.step;
    annealStep = c.annealStep;
    annealed = c.annealed;
    resumedAt = step;
    emit({ kind: 'resume', step, epoch: null, message: `Resumed at iteration ${step}` });
  }
  emit({
    kind: 'info',
    step,
    epoch: null,
    message: `d=${R.d} N=${R.N} p=${S.p.toFixed(4)} q=${S.q.toFixed(4)} m=${R.m} λ=${R.lambda.toPrecision(4)} r=${R.r.toPrecision(4)} τ0=${R.tau0.toPrecision(4)} τ_ξ=${R.tauXi}`,
    data: {
      d: R.d,
      N: R.N,
      kappa: R.kappa,
      p0: R.p0,
      q0: R.q0,
      p: S.p,
      q: S.q,
      r: R.r,
      gamma0: R.gamma0,
      lambda: R.lambda,
      tau0: R.tau0,
      tauXi: R.tauXi,
      m: R.m,
      k: R.k,
      variant: R.variant,
      testSize: R.testSize,
      batchSize: R.batchSize,
      annealThreshold: annealBelow,
    },
  });

  const trainRows = toPatchRows(S.train.x, R.N, R.d, R.k);
  const fullBatch: StepBatch | null = R.batchSize === null ? net.makeBatch(trainRows, S.train.y, R.N) : null;
  const trainEval = net.makeEvalChunks(trainRows, R.N);
  const testEval = net.makeEvalChunks(toPatchRows(S.test.x, R.testSize, R.d, R.k), R.testSize);
  const D = net.D;
  // ξ_t: drawn inside the update, in the same [D, m] order as before.
  const gradNoise = R.tauXi > 0 ? { rng: rngs['gradient-noise'], std: R.tauXi } : null;
  let pre = new Float32Array(R.m);
  const perExampleNoise = spec.algorithm.name === 'S+noise' && spec.algorithm.noiseDraw === 'per-example';
  const rowLen = R.k * D;
  const batchIdx = R.batchSize !== null ? Int32Array.from({ length: R.N }, (_, i) => i) : null;

  // Chance = log 2 for the ±1 labels. Half the toy's data can stay at log 2 by design (Q never
  // fitted), so "stays at chance" uses a 1 % band and is decided from half the iteration budget
  // on and at the end. docs/science.md, "Collapse detection".
  const watch = new CollapseWatch({ chanceLoss: Math.LN2, tolerance: 0.01, what: 'training loss' });
  let final: Record<string, number> = {};
  let lastLogged = resumedAt !== null && resumedAt % R.logEvery === 0 ? resumedAt : -1;
  let weightsFinite = true;
  const log = async (atEnd = false) => {
    const norms = await net.norms();
    const trainOut = await net.evaluate(trainEval);
    const testOut = await net.evaluate(testEval);
    const tm = trainMetrics(S.train, trainOut);
    const values: Record<string, number> = {
      lr: lrAt(annealed),
      noise: noiseAt(annealed),
      ...tm,
      'train/loss_reg': (tm['train/loss'] ?? Number.NaN) + (R.lambda / 2) * norms.sq,
      ...testMetrics(S.test, testOut),
      'norm/W': norms.W,
      'norm/V': norms.V,
    };
    weightsFinite = Number.isFinite(norms.sq);
    final = values;
    lastLogged = step;
    const rec: MetricRecord = { step, epoch: null, wallTimeMs: wallMs(), values };
    hooks.onMetrics?.(rec);
    const collapse = watch.observe(values['train/loss'] ?? Number.NaN, step, null, step > 0 && (atEnd || step >= R.maxIterations / 2));
    if (collapse) emit(collapse);
  };
  const anneal = (why: string, at = step) => {
    annealed = true;
    annealStep = at;
    emit({ kind: 'anneal', step: at, epoch: null, message: why, data: { lr: lrAt(true), noise: noiseAt(true) } });
  };

  // webgpu (net.fused): steps are enqueued as fused GPU kernels that read nothing back; the
  // losses and the decisions taken from them on the GPU (anneal, stop, divergence) are read once
  // per chunk, at latest where the CPU needs the true state (an evaluation, a checkpoint, the
  // end, a fixed-iteration anneal, a stop request). A stopped run's later updates were skipped
  // on the GPU, so the result is the same as deciding after every step.
  // engine/kernels/webgpuSynthetic.ts; engine/backend/README.md, "dispatches and reads".
  const fused = net.fused;
  // A loss-threshold anneal that changes the pre-activation noise would change what the CPU
  // draws for the next step: decide after every step then.
  const chunkSteps = sched.annealEps1 !== null && noiseAt(false) !== noiseAt(true) ? 1 : 64;
  const decision = {
    annealBelow,
    stopAt: sched.stopAt,
    stopBeforeAnneal: sched.stopBeforeAnneal,
    lrBefore: lrAt(false),
    lrAfter: lrAt(true),
    lambda: R.lambda,
  };
  let chunk: { state: tf.Tensor1D; base: number; pending: number } | null = null;
  /** Reads the enqueued steps' state; true when the run stopped or diverged among them. */
  const settle = async (): Promise<boolean> => {
    if (chunk === null) return false;
    const { state, base, pending } = chunk;
    chunk = null;
    const st = (await state.data()) as Float32Array;
    state.dispose();
    const annealSlot = st[STATE.annealSlot] ?? -1;
    const stopSlot = st[STATE.stopSlot] ?? -1;
    if (annealSlot >= 0 && !annealed) {
      const loss = st[STATE_HEADER + annealSlot] ?? Number.NaN;
      anneal(`train loss ${loss.toPrecision(4)} < ε1 + q·log 2 = ${(annealBelow ?? Number.NaN).toPrecision(4)}`, base + annealSlot);
    }
    if (stopSlot >= 0) {
      step = base + stopSlot;
      const loss = st[STATE_HEADER + stopSlot] ?? Number.NaN;
      if (!Number.isFinite(loss)) {
        status = 'diverged';
        stopReason = `${Number.isNaN(loss) ? 'NaN' : 'Inf'} in train/loss`;
        emit({ kind: 'divergence', step, epoch: null, message: stopReason, data: { loss: String(loss) } });
      } else {
        stopReason = sched.stopLabel;
      }
      hooks.onProgress?.({ step, totalSteps: R.maxIterations, epoch: null, totalEpochs: null });
      return true;
    }
    step = base + pending;
    hooks.onProgress?.({ step, totalSteps: R.maxIterations, epoch: null, totalEpochs: null });
    return false;
  };

  let status: RunResult['status'] = 'completed';
  let stopReason = '';
  try {
    for (;;) {
      if (chunk !== null) {
        const needState =
          chunk.pending >= chunkSteps ||
          step % R.logEvery === 0 ||
          (hooks.onCheckpoint !== undefined && step % R.checkpointEvery === 0) ||
          step >= R.maxIterations ||
          (!annealed && sched.atIteration !== null && step >= sched.atIteration) ||
          hooks.shouldStop?.() === true;
        if (needState && (await settle())) break;
      }
      // Iteration-based anneals come first so the metrics at step t show the lr and noise of update t.
      if (!annealed && sched.atIteration !== null && step >= sched.atIteration) anneal(`anneal at iteration ${sched.atIteration}`);
      if (step % R.logEvery === 0 && step !== lastLogged) {
        await log();
        if (!weightsFinite) {
          status = 'diverged';
          stopReason = 'NaN or Inf in the weights';
          emit({ kind: 'divergence', step, epoch: null, message: stopReason });
          break;
        }
      }
      if (step > 0 && step % R.checkpointEvery === 0 && step !== resumedAt && hooks.onCheckpoint) {
        const bytes = encodeCheckpoint({
          step,
          annealStep,
          annealed,
          D,
          m: R.m,
          rng: Object.fromEntries(Object.entries(rngs).map(([k, r]) => [k, r.getState()])),
          weights: await net.readWeights(),
        });
        await hooks.onCheckpoint({ step, epoch: null, bytes });
      }
      if (step >= R.maxIterations) {
        stopReason = 'max iterations';
        break;
      }
      if (hooks.shouldStop?.()) {
        status = 'stopped';
        stopReason = 'stopped by request';
        break;
      }

      let batch = fullBatch;
      if (batch === null && batchIdx !== null && R.batchSize !== null) {
        // B indices without replacement: a partial Fisher–Yates on the index array.
        const B = R.batchSize;
        const bRng = rngs.minibatch;
        const xs = new Float32Array(B * rowLen);
        const ys = new Float32Array(B);
        for (let i = 0; i < B; i++) {
          const j = i + bRng.int(R.N - i);
          const t = batchIdx[i]!;
          batchIdx[i] = batchIdx[j]!;
          batchIdx[j] = t;
          const e = batchIdx[i]!;
          xs.set(trainRows.subarray(e * rowLen, (e + 1) * rowLen), i * rowLen);
          ys[i] = S.train.y[e]!;
        }
        batch = net.makeBatch(xs, ys, B);
      }
      if (batch === null) throw new Error('unreachable: no batch');
      const tau = noiseAt(annealed);
      // Ξ_t: one draw of shape m per iteration shared by every example of the step (App. E.1), or
      // with noiseDraw 'per-example' one per example and patch ([m, n·k]; docs/science.md).
      let preNoise: Float32Array | null = null;
      if (tau > 0) {
        const cols = perExampleNoise ? batch.n * R.k : 1;
        if (pre.length !== R.m * cols) pre = new Float32Array(R.m * cols);
        preNoise = rngs['preactivation-noise'].fillNormal(pre, tau);
      }
      if (fused) {
        chunk ??= { state: newStepState(chunkSteps, annealed), base: step, pending: 0 };
        net.enqueueStep(batch, preNoise, gradNoise, chunk.state, chunk.pending, decision);
        if (batch !== fullBatch) disposeBatch(batch);
        chunk.pending++;
        step++;
        await yieldToEventLoop();
        continue;
      }
      const { loss, grad } = await net.computeGradient(batch, preNoise);
      if (batch !== fullBatch) disposeBatch(batch);
      if (!Number.isFinite(loss)) {
        grad.dispose();
        status = 'diverged';
        stopReason = `${Number.isNaN(loss) ? 'NaN' : 'Inf'} in train/loss`;
        emit({ kind: 'divergence', step, epoch: null, message: stopReason, data: { loss: String(loss) } });
        break;
      }
      if (!annealed && annealBelow !== null && loss < annealBelow) {
        anneal(`train loss ${loss.toPrecision(4)} < ε1 + q·log 2 = ${annealBelow.toPrecision(4)}`);
      }
      if ((annealed || sched.stopBeforeAnneal) && loss <= sched.stopAt) {
        grad.dispose();
        stopReason = sched.stopLabel;
        break;
      }
      net.apply(grad, lrAt(annealed), R.lambda, gradNoise);
      step++;
      hooks.onProgress?.({ step, totalSteps: R.maxIterations, epoch: null, totalEpochs: null });
      await yieldToEventLoop();
    }
    if (lastLogged !== step) await log(true);
    else if (!watch.collapsed && step > 0) {
      // The end was logged as a regular point: decide "stays at chance" on it now.
      const collapse = watch.observe(final['train/loss'] ?? Number.NaN, step, null, true);
      if (collapse) emit(collapse);
    }
    if (status === 'completed' && !weightsFinite) {
      status = 'diverged';
      stopReason = 'NaN or Inf in the weights';
      emit({ kind: 'divergence', step, epoch: null, message: stopReason });
    }
  } finally {
    (chunk as { state: tf.Tensor1D } | null)?.state.dispose();
    if (fullBatch) disposeBatch(fullBatch);
    disposeChunks(trainEval);
    disposeChunks(testEval);
    net.dispose();
  }
  if (watch.collapsed && status === 'completed') stopReason = `${stopReason}; collapsed (${watch.finding?.kind ?? ''})`;
  return { status, steps: step, epochs: null, annealStep, stopReason, wallS: wallMs() / 1000, final, collapsed: watch.collapsed };
}
