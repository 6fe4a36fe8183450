/**
 * The synthetic toy's step and evaluation on the webgpu backend, before and after the fused
 * kernels (engine/kernels/webgpuSynthetic.ts), measured in the same process
 * (`npx tsx engine/bench/webgpuSynthetic.bench.ts [preset] [steps]`, default toy-s, 200 steps).
 * Prints ms/step, it/s and what each step costs the GPU queue: dispatches, submits and reads
 * (counted by wrapping the tfjs webgpu backend's own methods). A measurement, not a test.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, webgpuAdapter } from '../backend';
import { newStepState } from '../kernels';
import { setupSynthetic } from '../experiments/synthetic/run';
import { SyntheticNet, toPatchRows } from '../experiments/synthetic/model';
import { syntheticSchedule } from '../experiments/synthetic/schedule';
import { Rng } from '../random';
import { syntheticPresets } from '../presets/synthetic';
import type { SyntheticSpec } from '../experiments/synthetic/spec';
import { loadavg } from 'node:os';

const presetName = process.argv[2] ?? 'toy-s';
const steps = Number(process.argv[3] ?? 200);
const preset = syntheticPresets.find((p) => p.name === presetName);
if (!preset) throw new Error(`no synthetic preset ${presetName}`);
const spec = { ...preset.spec, seed: 1 } as unknown as SyntheticSpec;

await initBackend({ force: 'webgpu' });
const S = setupSynthetic(spec);
const R = S.resolved;
const sched = syntheticSchedule(spec.algorithm);
const lr = sched.before.lr;
const batchOf = (net: SyntheticNet) => net.makeBatch(toPatchRows(S.train.x, R.N, R.d, R.k), S.train.y, R.N);

type Counts = { dispatch: number; submit: number; read: number };
const counts: Counts = { dispatch: 0, submit: 0, read: 0 };
const be = tf.backend() as unknown as Record<string, (...a: unknown[]) => unknown>;
for (const [name, key] of [['recordAndSubmit', 'dispatch'], ['submitQueue', 'submit'], ['getBufferData', 'read']] as const) {
  const f = be[name]!.bind(be);
  be[name] = (...a: unknown[]) => {
    counts[key]++;
    return f(...a);
  };
}
const reset = () => Object.assign(counts, { dispatch: 0, submit: 0, read: 0 });

interface Row {
  what: string;
  ms: number;
  per: Counts;
}
const rows: Row[] = [];
const per = (n: number): Counts => ({ dispatch: counts.dispatch / n, submit: counts.submit / n, read: counts.read / n });

async function timeSteps(what: string, fused: boolean): Promise<void> {
  const net = new SyntheticNet(R.d, R.m, R.k, S.u0T, S.u);
  const b = batchOf(net);
  const noise = R.tauXi > 0 ? { rng: Rng.forStream(1, 'gradient-noise'), std: R.tauXi } : null;
  const decision = { annealBelow: null, stopAt: -1, stopBeforeAnneal: true, lrBefore: lr, lrAfter: lr, lambda: R.lambda };
  const chunk = 50;
  const go = async (n: number) => {
    if (!fused) {
      for (let i = 0; i < n; i++) await net.step(b, lr, R.lambda, noise, null);
      return;
    }
    for (let s0 = 0; s0 < n; s0 += chunk) {
      const st = newStepState(chunk, false);
      for (let i = 0; i < Math.min(chunk, n - s0); i++) net.enqueueStep(b, null, noise, st, i, decision);
      await st.data(); // the run reads the chunk's losses once (at an evaluation point)
      st.dispose();
    }
  };
  await go(10); // shaders compiled, buffers pooled
  reset();
  const t0 = performance.now();
  await go(steps);
  rows.push({ what, ms: (performance.now() - t0) / steps, per: per(steps) });
  net.dispose();
  tf.dispose([b.xp, b.xpT, b.y]);
}

async function timeEval(what: string, fused: boolean): Promise<void> {
  const net = new SyntheticNet(R.d, R.m, R.k, S.u0T, S.u);
  const chunks = [...net.makeEvalChunks(toPatchRows(S.train.x, R.N, R.d, R.k), R.N), ...net.makeEvalChunks(toPatchRows(S.test.x, R.testSize, R.d, R.k), R.testSize)];
  await net.evaluate(chunks, fused);
  reset();
  const reps = 3;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await net.evaluate(chunks, fused);
  rows.push({ what, ms: (performance.now() - t0) / reps, per: per(reps) });
  for (const c of chunks) tf.dispose([c.x1pT, c.x2pT]);
  net.dispose();
}

const load0 = loadavg()[0]!;
await timeSteps('step: tfjs ops, loss read every step', false);
await timeSteps('step: fused kernels, losses read every 50 steps', true);
await timeSteps('step: tfjs ops, loss read every step (again)', false);
await timeEval(`evaluation (${R.N} train + ${R.testSize} test examples): tfjs ops`, false);
await timeEval(`evaluation (${R.N} train + ${R.testSize} test examples): fused`, true);
const a = webgpuAdapter();
console.log(`${presetName} (d=${R.d}, m=${R.m}, N=${R.N}, full batch) on webgpu: ${a ? `${a.description || a.device} (${a.driver})` : '?'}; load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`);
console.log('what                                                     | ms     | it/s   | dispatches | submits | reads');
for (const r of rows) {
  console.log(`${r.what.padEnd(56)} | ${r.ms.toFixed(1).padStart(6)} | ${(1000 / r.ms).toFixed(1).padStart(6)} | ${r.per.dispatch.toFixed(1).padStart(10)} | ${r.per.submit.toFixed(2).padStart(7)} | ${r.per.read.toFixed(2).padStart(5)}`);
}
const old = (rows[0]!.ms + rows[2]!.ms) / 2;
console.log(`step speed-up (fused vs the mean of the two tfjs-op rows): ${(old / rows[1]!.ms).toFixed(2)}×; evaluation: ${(rows[3]!.ms / rows[4]!.ms).toFixed(2)}×`);
process.exit(0);
