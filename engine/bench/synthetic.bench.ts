/**
 * Benchmark of the synthetic experiment's training step (`npm run bench`): ms per step and
 * steps/s of the tfjs step on every backend available here, for the toy preset shape and for
 * d = 256, m = 4096, batch 512, next to a tensor-free plain-TypeScript reference step measured
 * in the same process. One step = forward + hand-written backward + gradient noise + update.
 * Prints a table; not a test.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../backend';
import { BACKEND_NAMES, initBackend } from '../backend';
import { SyntheticNet, toPatchRows } from '../experiments/synthetic/model';
import { referenceStep } from '../experiments/synthetic/reference';
import { setupSynthetic } from '../experiments/synthetic/run';
import type { SyntheticSpec } from '../experiments/synthetic/spec';
import { presetSpec } from '../presets';
import { Rng } from '../random';
import { parseRunSpec } from '../spec';

interface Shape {
  readonly label: string;
  readonly spec: SyntheticSpec;
}

function syntheticOnly(x: unknown): SyntheticSpec {
  const s = parseRunSpec(x);
  if (s.kind !== 'synthetic') throw new Error('not a synthetic spec');
  return s;
}

const toy = presetSpec('toy-s', 1);
const shapes: Shape[] = [
  { label: 'toy preset (d=64, N=256, m=256)', spec: syntheticOnly({ ...toy, data: { ...(toy.kind === 'synthetic' ? toy.data : {}), testSize: 10 } }) },
  {
    label: 'd=256, m=4096, batch 512',
    spec: syntheticOnly({
      kind: 'synthetic',
      seed: 1,
      data: { d: 256, N: 512, testSize: 10 },
      model: { width: 4096 },
      gradientNoise: { tauXi: 0.01 },
      init: { tau0: 0.01 },
      algorithm: { name: 'S', eta2: 0.01 },
    }),
  },
];

/** Times `fn` for at least `minMs` and `minReps` calls (after `warm` untimed calls); returns ms per call. */
async function time(fn: () => unknown, warm: number, minReps: number, minMs: number): Promise<{ ms: number; reps: number }> {
  for (let i = 0; i < warm; i++) await fn();
  let reps = 0;
  const t0 = performance.now();
  while (reps < minReps || performance.now() - t0 < minMs) {
    await fn();
    reps++;
    if (performance.now() - t0 > 4 * minMs && reps >= 1) break;
  }
  return { ms: (performance.now() - t0) / reps, reps };
}

interface Row {
  shape: string;
  engine: string;
  ms: number;
  reps: number;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const refMs = new Map<string, number>();
  for (const sh of shapes) {
    const S = setupSynthetic(sh.spec);
    const R = S.resolved;
    // Plain-TypeScript reference: U as [m, 2d].
    const D = 2 * R.d;
    const U = new Float32Array(R.m * D);
    for (let c = 0; c < D; c++) for (let i = 0; i < R.m; i++) U[i * D + c] = S.u0T[c * R.m + i]!;
    const xi = new Float32Array(R.m * D);
    const rng = Rng.forStream(1, 'bench-noise');
    const ref = { n: R.N, D, m: R.m, x: S.train.x, y: S.train.y, U, u: S.u };
    const r = await time(
      () => {
        rng.fillNormal(xi, R.tauXi);
        referenceStep(ref, 0.01, R.lambda, xi);
      },
      1,
      2,
      3000,
    );
    refMs.set(sh.label, r.ms);
    rows.push({ shape: sh.label, engine: 'plain TypeScript reference', ms: r.ms, reps: r.reps });
  }
  const order: BackendName[] = [...BACKEND_NAMES].reverse(); // cpu first, then wasm, then native if present
  for (const b of order) {
    try {
      await initBackend({ force: b });
    } catch (e) {
      process.stderr.write(`skip ${b}: ${(e instanceof Error ? e.message : String(e)).slice(0, 120)}\n`);
      continue;
    }
    for (const sh of shapes) {
      const S = setupSynthetic(sh.spec);
      const R = S.resolved;
      const net = new SyntheticNet(R.d, R.m, R.k, S.u0T, S.u);
      const batch = net.makeBatch(toPatchRows(S.train.x, R.N, R.d, R.k), S.train.y, R.N);
      const noise = { rng: Rng.forStream(1, 'bench-noise'), std: R.tauXi };
      const before = tf.memory().numTensors;
      const t = await time(
        () => net.step(batch, 0.01, R.lambda, noise, null),
        b === 'cpu' ? 1 : 3,
        b === 'cpu' ? 1 : 5,
        b === 'cpu' ? 2000 : 3000,
      );
      if (tf.memory().numTensors !== before) process.stderr.write(`warning: ${b} leaked ${tf.memory().numTensors - before} tensors\n`);
      rows.push({ shape: sh.label, engine: `tfjs ${b}`, ms: t.ms, reps: t.reps });
      batch.xp.dispose();
      batch.xpT.dispose();
      batch.y.dispose();
      net.dispose();
    }
  }
  const header = ['shape', 'engine', 'ms/step', 'steps/s', 'reps', 'reference ms / this ms'];
  const body = rows.map((r) => [
    r.shape,
    r.engine,
    r.ms.toFixed(2),
    (1000 / r.ms).toFixed(2),
    String(r.reps),
    `${((refMs.get(r.shape) ?? Number.NaN) / r.ms).toFixed(2)}×`,
  ]);
  const w = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (row: readonly string[]) => '| ' + row.map((x, c) => x.padEnd(w[c]!)).join(' | ') + ' |';
  process.stdout.write(
    [`synthetic step benchmark, ${new Date().toISOString()}, tfjs ${tf.version.tfjs}`, line(header), '|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|', ...body.map(line)].join('\n') + '\n',
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
