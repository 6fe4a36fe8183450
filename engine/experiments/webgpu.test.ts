/**
 * Every training kernel and training path on the webgpu backend against the cpu backend
 * (the pure-JS reference), to 1e-3. Runs on a GPU or on LR Lab's lavapipe (a software Vulkan
 * driver, `npm run setup:lavapipe`); without either it skips with the reason, but under
 * CI=true it fails. Workloads are tiny: lavapipe runs WebGPU shaders on the CPU.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend, shutdownWebgpu } from '../backend';
import { needWebgpu } from '../backend/webgpuTesting';
import { batchNormTrain, newStepState, STATE, STATE_HEADER } from '../kernels';
import type { StepDecision } from '../kernels';
import { buildModel, trainStep } from '../models';
import type { ModelConfig } from '../models';
import { Sgd } from '../optim';
import { Rng } from '../random';
import { runImageExperiment } from './image/run';
import { disposeBatch, SyntheticNet } from './synthetic/model';
import { runSyntheticExperiment } from './synthetic/run';
import { SyntheticSpecSchema } from './synthetic/spec';
import { sNoiseAgreementSpec } from './synthetic/testFixtures';
import type { Checkpoint, MetricRecord } from './types';
import { brightRowImages, tinyImageSpec } from './image/testFixtures';

afterAll(() => shutdownWebgpu());

const TOL = 1e-3;

/** Runs `f` on the named backend and reads its tensors back (asynchronously). */
async function on(backend: 'cpu' | 'webgpu', f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await initBackend({ force: backend });
  const ts = tf.tidy(f);
  const out = await Promise.all(ts.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(ts);
  return out;
}

/** max |a − b| over max(|b|, 1): relative for large values, absolute for small ones. */
function expectClose(a: Float32Array, b: Float32Array, what: string): void {
  expect(a.length, what).toBe(b.length);
  let scale = 1;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  expect(worst / scale, what).toBeLessThan(TOL);
}

function normals(seed: number, n: number, std = 1): Float32Array {
  return Rng.fromSeed(seed).fillNormal(new Float32Array(n), std);
}

describe('training kernels on webgpu match cpu', () => {
  it('conv2d forward, input gradient and filter gradient (stride 1 and 2, same padding)', async (ctx) => {
    await needWebgpu(ctx);
    const x = normals(1, 2 * 6 * 6 * 3);
    const w = normals(2, 3 * 3 * 3 * 4, 0.3);
    const f = (): tf.Tensor[] => {
      const xt = tf.tensor4d(x, [2, 6, 6, 3]);
      const wt = tf.tensor4d(w, [3, 3, 3, 4]);
      const out: tf.Tensor[] = [];
      for (const stride of [1, 2] as const) {
        const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, 'same')));
        const [gx, gw] = tf.grads(loss)([xt, wt]);
        out.push(tf.conv2d(xt, wt, stride, 'same'), gx!, gw!);
      }
      return out;
    };
    const cpu = await on('cpu', f);
    const gpu = await on('webgpu', f);
    cpu.forEach((c, i) => expectClose(gpu[i]!, c, `tensor ${i}`));
  });

  it('matmuls with transposed operands and their gradients', async (ctx) => {
    await needWebgpu(ctx);
    const a = normals(3, 5 * 7);
    const b = normals(4, 7 * 6);
    const f = (): tf.Tensor[] => {
      const at = tf.tensor2d(a, [5, 7]);
      const bt = tf.tensor2d(b, [7, 6]);
      const loss = (p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.relu(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D)));
      const [ga, gb] = tf.grads(loss)([at, bt]);
      return [tf.matMul(at, bt), tf.matMul(at, tf.transpose(bt), false, true), tf.matMul(tf.transpose(at), bt, true, false), ga!, gb!];
    };
    const cpu = await on('cpu', f);
    const gpu = await on('webgpu', f);
    cpu.forEach((c, i) => expectClose(gpu[i]!, c, `tensor ${i}`));
  });

  it('training-mode batch norm (engine kernel): output, batch statistics and all three gradients', async (ctx) => {
    await needWebgpu(ctx);
    const x = normals(5, 4 * 3 * 3 * 5, 2);
    const g = normals(6, 5, 0.5).map((v) => 1 + v);
    const bt = normals(7, 5, 0.5);
    const dy = normals(8, 4 * 3 * 3 * 5);
    const f = (): tf.Tensor[] => {
      const xt = tf.tensor4d(x, [4, 3, 3, 5]);
      const gt = tf.tensor1d(g);
      const btt = tf.tensor1d(bt);
      const dyt = tf.tensor4d(dy, [4, 3, 3, 5]);
      const r = batchNormTrain(xt, gt, btt);
      const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(batchNormTrain(a, b as tf.Tensor1D, c as tf.Tensor1D).y, dyt));
      const grads = tf.grads(loss)([xt, gt, btt]);
      return [r.y, r.mean, r.variance, ...grads];
    };
    const cpu = await on('cpu', f);
    const gpu = await on('webgpu', f);
    cpu.forEach((c, i) => expectClose(gpu[i]!, c, `tensor ${i}`));
  });

  it('synthetic net: hand-written gradient (k = 1 and 2, pre-activation noise) and the update with gradient noise', async (ctx) => {
    await needWebgpu(ctx);
    const results: Record<string, Float32Array[]> = {};
    for (const backend of ['cpu', 'webgpu'] as const) {
      await initBackend({ force: backend });
      const out: Float32Array[] = [];
      for (const k of [1, 2]) {
        const d = 8;
        const m = 6;
        const n = 10;
        const D = (2 * d) / k;
        const rng = Rng.fromSeed(10 + k);
        const x = rng.fillNormal(new Float32Array(n * k * D));
        const y = Float32Array.from({ length: n }, () => rng.sign());
        const u = Float32Array.from({ length: k * m }, () => rng.sign() / Math.sqrt(m));
        const u0T = rng.fillNormal(new Float32Array(D * m), 0.5);
        const pre = rng.fillNormal(new Float32Array(m), 0.3);
        const net = new SyntheticNet(d, m, k, u0T, u);
        const batch = net.makeBatch(x, y, n);
        const { loss, grad } = await net.computeGradient(batch, pre);
        out.push(Float32Array.of(loss), Float32Array.from(await grad.data()));
        grad.dispose();
        const before = tf.memory().numTensors;
        const noise = { rng: Rng.fromSeed(99), std: 0.05 };
        for (let s = 0; s < 3; s++) await net.step(batch, 0.2, 0.01, noise, pre);
        // No tensor left behind per step, on any backend.
        expect(tf.memory().numTensors, `${backend} k=${k}`).toBe(before);
        out.push(await net.readWeights());
        const norms = await net.norms();
        out.push(Float32Array.of(norms.W, norms.V));
        disposeBatch(batch);
        net.dispose();
      }
      results[backend] = out;
    }
    results['cpu']!.forEach((c, i) => expectClose(results['webgpu']![i]!, c, `value ${i}`));
  });

  it('synthetic net, fused step (webgpu kernels, no read back): losses, weights and evaluation match the cpu step (k = 1 and 2, shared and per-example Ξ, gradient noise)', async (ctx) => {
    await needWebgpu(ctx);
    const results: Record<string, Float32Array[]> = {};
    const decision = { annealBelow: null, stopAt: -1, stopBeforeAnneal: true, lrBefore: 0.2, lrAfter: 0.2, lambda: 0.01 } as const;
    for (const backend of ['cpu', 'webgpu'] as const) {
      await initBackend({ force: backend });
      const out: Float32Array[] = [];
      for (const [k, perExample] of [[1, false], [2, false], [2, true]] as const) {
        const d = 8;
        const m = 6;
        const n = 10;
        const D = (2 * d) / k;
        const rng = Rng.fromSeed(20 + k);
        const x = rng.fillNormal(new Float32Array(n * k * D));
        const y = Float32Array.from({ length: n }, () => rng.sign());
        const u = Float32Array.from({ length: k * m }, () => rng.sign() / Math.sqrt(m));
        const u0T = rng.fillNormal(new Float32Array(D * m), 0.5);
        const pre = rng.fillNormal(new Float32Array(perExample ? m * n * k : m), 0.3);
        const net = new SyntheticNet(d, m, k, u0T, u);
        const batch = net.makeBatch(x, y, n);
        const noise = { rng: Rng.fromSeed(98), std: 0.05 };
        const before = tf.memory().numTensors;
        const losses: number[] = [];
        if (backend === 'webgpu') {
          expect(net.fused).toBe(true);
          const state = newStepState(4, false);
          for (let s = 0; s < 3; s++) net.enqueueStep(batch, pre, noise, state, s, decision);
          const st = await state.data();
          state.dispose();
          for (let s = 0; s < 3; s++) losses.push(st[STATE_HEADER + s]!);
          expect(st[STATE.stopped]).toBe(0);
        } else {
          expect(net.fused).toBe(false);
          for (let s = 0; s < 3; s++) losses.push(await net.step(batch, decision.lrBefore, decision.lambda, noise, pre));
        }
        // No tensor left behind per step.
        expect(tf.memory().numTensors, `${backend} k=${k}`).toBe(before);
        out.push(Float32Array.from(losses), await net.readWeights());
        const chunks = net.makeEvalChunks(x, n, 4);
        const ev = await net.evaluate(chunks);
        out.push(ev.f, ev.r, ev.g);
        for (const c of chunks) tf.dispose([c.x1pT, c.x2pT]);
        disposeBatch(batch);
        net.dispose();
      }
      results[backend] = out;
    }
    results['cpu']!.forEach((c, i) => expectClose(results['webgpu']![i]!, c, `value ${i}`));
  });

  it('synthetic net, fused step: the GPU stops on a loss threshold (no update from then on), anneals below one (the later updates at the second rate) and stops on a NaN loss', async (ctx) => {
    await needWebgpu(ctx);
    await initBackend({ force: 'webgpu' });
    const d = 4;
    const m = 4;
    const n = 6;
    const rng = Rng.fromSeed(5);
    const x = rng.fillNormal(new Float32Array(n * 2 * d));
    const y = Float32Array.from({ length: n }, () => rng.sign());
    const u = Float32Array.from({ length: m }, () => rng.sign() / 2);
    const u0T = rng.fillNormal(new Float32Array(2 * d * m), 0.5);
    const base: StepDecision = { annealBelow: null, stopAt: -1, stopBeforeAnneal: true, lrBefore: 0.5, lrAfter: 0.5, lambda: 0 };
    const runSteps = async (decision: StepDecision, data = x, steps = 4) => {
      const net = new SyntheticNet(d, m, 1, u0T, u);
      const batch = net.makeBatch(data, y, n);
      const state = newStepState(steps, false);
      for (let s = 0; s < steps; s++) net.enqueueStep(batch, null, null, state, s, decision);
      const st = Float32Array.from(await state.data());
      const w = await net.readWeights();
      state.dispose();
      disposeBatch(batch);
      net.dispose();
      return { st, w };
    };
    const free = await runSteps(base);
    const losses = Array.from(free.st.subarray(STATE_HEADER, STATE_HEADER + 4));
    expect(losses[3]!).toBeLessThan(losses[0]!); // it learns
    expect(free.st[STATE.stopSlot]).toBe(-1);
    // Stop at the first step whose loss is ≤ the threshold (here the third): weights as after two updates.
    const two = await runSteps(base, x, 2);
    const stop = await runSteps({ ...base, stopAt: (losses[1]! + losses[2]!) / 2 });
    expect(stop.st[STATE.stopped]).toBe(1);
    expect(stop.st[STATE.stopSlot]).toBe(2);
    expect(Number.isNaN(stop.st[STATE_HEADER + 3]!)).toBe(true); // nothing recorded after the stop
    expect(Array.from(stop.w)).toEqual(Array.from(two.w));
    // Anneal below a threshold the first loss already meets: every update at the second rate (0 here).
    const annealed = await runSteps({ ...base, annealBelow: losses[0]! + 1, lrAfter: 0 });
    expect(annealed.st[STATE.annealed]).toBe(1);
    expect(annealed.st[STATE.annealSlot]).toBe(0);
    expect(Array.from(annealed.w)).toEqual(Array.from(u0T));
    // A NaN loss stops the run at once, with the weights untouched.
    const bad = Float32Array.from(x);
    bad[0] = Number.NaN;
    const nan = await runSteps(base, bad);
    expect(nan.st[STATE.stopSlot]).toBe(0);
    expect(Number.isNaN(nan.st[STATE_HEADER]!)).toBe(true);
    expect(Array.from(nan.w)).toEqual(Array.from(u0T));
  });

  for (const config of [
    { arch: 'small-cnn', width: 2 },
    { arch: 'wrn', depth: 10, widen: 1 },
  ] as ModelConfig[]) {
    it(`${config.arch} trainStep (training-mode BN, pre-activation noise, Nesterov SGD): loss and weights after 2 steps, no tensor leak`, async (ctx) => {
      await needWebgpu(ctx);
      const shape: [number, number, number] = [8, 8, 3];
      const batch = 4;
      const x = normals(20, batch * 8 * 8 * 3);
      const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);
      const out: Record<string, Float32Array[]> = {};
      for (const backend of ['cpu', 'webgpu'] as const) {
        await initBackend({ force: backend });
        const model = buildModel(config, { inputShape: shape, classes: 10, rng: Rng.forStream(3, 'init') });
        const opt = new Sgd({ momentum: 0.9, nesterov: true, weightDecay: 5e-4 }, model.params);
        const noise = { std: 0.1, rng: Rng.forStream(3, 'noise') };
        const losses: number[] = [];
        losses.push((await trainStep(model, opt, { x, labels, batch }, 0.05, noise, shape, 10)).loss);
        const n0 = tf.memory().numTensors;
        const gpuBytes = () => (tf.memory() as { numBytesInGPU?: number }).numBytesInGPU ?? 0;
        const b0 = gpuBytes();
        losses.push((await trainStep(model, opt, { x, labels, batch }, 0.05, noise, shape, 10)).loss);
        expect(tf.memory().numTensors, `${backend}: tensors per step`).toBe(n0);
        // webgpu: the bytes of live GPU buffers (tensors') are unchanged too.
        expect(gpuBytes(), `${backend}: GPU bytes per step`).toBe(b0);
        const vals = [Float32Array.from(losses)];
        for (const v of [...model.params.values(), ...model.state.values()]) vals.push(Float32Array.from(await v.data()));
        out[backend] = vals;
        model.dispose();
        opt.dispose();
      }
      out['cpu']!.forEach((c, i) => expectClose(out['webgpu']![i]!, c, `value ${i}`));
    });
  }
});

describe('training runs on webgpu match cpu', () => {
  it('a 2-epoch small-CNN image run: every metric of every epoch within 1e-3, and resume from a checkpoint gives the same metrics', async (ctx) => {
    await needWebgpu(ctx);
    const run = async (backend: 'cpu' | 'webgpu', resumeFrom?: Checkpoint) => {
      await initBackend({ force: backend });
      const recs: MetricRecord[] = [];
      const cps: Checkpoint[] = [];
      const r = await runImageExperiment(
        tinyImageSpec(backend),
        {
          onMetrics: (m) => recs.push(m),
          onCheckpoint: (c) => {
            cps.push(c);
          },
        },
        { dataset: brightRowImages({ train: 48, test: 24 }), ...(resumeFrom ? { resumeFrom } : {}) },
      );
      expect(r.status).toBe('completed');
      return { recs, cps };
    };
    const cpu = await run('cpu');
    const gpu = await run('webgpu');
    expect(gpu.recs.length).toBe(cpu.recs.length);
    for (let e = 0; e < cpu.recs.length; e++) {
      for (const [k, v] of Object.entries(cpu.recs[e]!.values)) {
        const w = gpu.recs[e]!.values[k] ?? NaN;
        expect(Math.abs(w - v) / (Math.abs(v) + 1e-3), `${k} epoch ${e + 1}`).toBeLessThan(TOL);
      }
    }
    // Exact resume on the same backend: epoch 2 again from the epoch-1 checkpoint.
    const resumed = await run('webgpu', gpu.cps[0]);
    expect(resumed.recs.map((m) => m.values)).toEqual(gpu.recs.slice(1).map((m) => m.values));
  });

  it('synthetic runs whose stop and anneal are decided on the GPU mid-chunk (S stopping on ε2′, L-S annealing on its loss threshold) stop and anneal at the same step as on cpu, with the same metrics', async (ctx) => {
    await needWebgpu(ctx);
    const common = {
      kind: 'synthetic',
      seed: 3,
      data: { d: 8, N: 64, testSize: 100 },
      model: { width: 16 },
      objective: { lambda: 0.0001 },
      gradientNoise: { tauXi: 0.01 },
      init: { tau0: 0.1 },
      stopping: { maxIterations: 150 },
      logging: { every: 40 },
    };
    for (const algorithm of [
      { name: 'S', eta2: 1, eps2prime: 0.5 },
      { name: 'L-S', eta1: 1, eta2: 0.1, anneal: { mode: 'loss-threshold', eps1: 0.3 }, eps2: 0.05 },
    ]) {
      const spec = SyntheticSpecSchema.parse({ ...common, algorithm });
      const res: Record<string, { r: Awaited<ReturnType<typeof runSyntheticExperiment>>; recs: MetricRecord[] }> = {};
      for (const backend of ['cpu', 'webgpu'] as const) {
        await initBackend({ force: backend });
        const recs: MetricRecord[] = [];
        res[backend] = { r: await runSyntheticExperiment(spec, { onMetrics: (m) => recs.push(m) }), recs };
      }
      const cpu = res['cpu']!;
      const gpu = res['webgpu']!;
      // S ends by its loss rule (cpu: step 91), L-S anneals on its loss (cpu: step 11), both
      // between log points, so inside a chunk of GPU steps.
      const decided = algorithm.name === 'S' ? cpu.r.steps : (cpu.r.annealStep ?? 0);
      expect(decided, algorithm.name).toBeGreaterThan(0);
      expect(decided, algorithm.name).toBeLessThan(150);
      expect(decided % 40, algorithm.name).not.toBe(0);
      expect(gpu.r.steps, algorithm.name).toBe(cpu.r.steps);
      expect(gpu.r.annealStep, algorithm.name).toBe(cpu.r.annealStep);
      expect(gpu.r.stopReason, algorithm.name).toBe(cpu.r.stopReason);
      expect(gpu.recs.map((m) => m.step)).toEqual(cpu.recs.map((m) => m.step));
      for (let i = 0; i < cpu.recs.length; i++) {
        for (const [k, v] of Object.entries(cpu.recs[i]!.values)) {
          expect(Math.abs((gpu.recs[i]!.values[k] ?? NaN) - v) / (Math.abs(v) + 1e-3), `${algorithm.name} ${k} at ${cpu.recs[i]!.step}`).toBeLessThan(TOL);
        }
      }
    }
  });

  it('a synthetic run (S+noise: gradient and pre-activation noise, anneal) agrees with cpu', async (ctx) => {
    await needWebgpu(ctx);
    const spec = sNoiseAgreementSpec();
    await initBackend({ force: 'cpu' });
    const cpu = await runSyntheticExperiment(spec);
    await initBackend({ force: 'webgpu' });
    const gpu = await runSyntheticExperiment(spec);
    expect(gpu.steps).toBe(cpu.steps);
    for (const [k, v] of Object.entries(cpu.final)) {
      expect(Math.abs((gpu.final[k] ?? NaN) - v) / (Math.abs(v) + 1e-3), k).toBeLessThan(TOL);
    }
  });
});
