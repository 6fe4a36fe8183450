/**
 * From a parsed synthetic spec to the numbers that run: fills the paper's scalings
 * (N = d/κ², p0 = κ²/2, r = d^-3/4, λ = d^-5/4) and the stationary init of Assumption 3.1,
 * and lists cross-field problems. Pure arithmetic (no zod, no tfjs) so the schema can use it.
 */
import type { SyntheticSpec } from './spec';

export interface ResolvedSynthetic {
  readonly d: number;
  readonly N: number;
  readonly kappa: number;
  readonly p0: number;
  readonly q0: number;
  readonly r: number;
  readonly gamma0: number;
  readonly testSize: number;
  readonly m: number;
  readonly variant: 'two-layer' | 'two-layer-conv';
  /** Patches per input half (1 for the plain two-layer net). */
  readonly k: number;
  readonly lambda: number;
  readonly tauXi: number;
  readonly tau0: number;
  readonly maxIterations: number;
  readonly logEvery: number;
  readonly checkpointEvery: number;
  /** null = full batch. */
  readonly batchSize: number | null;
}

export interface ResolveProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

const DEFAULT_KAPPA = 0.5;

/** Assumption 3.1: τ0² = η·τ_ξ² / (λ(2 − ηλ)), the fixed point of U ← (1 − ηλ)U − ηξ. */
export function stationaryTau0(eta: number, tauXi: number, lambda: number): number {
  if (tauXi === 0) return 0;
  const denom = lambda * (2 - eta * lambda);
  if (!(denom > 0)) return Number.NaN;
  return Math.sqrt((eta * tauXi * tauXi) / denom);
}

type SpecLike = Pick<SyntheticSpec, 'data' | 'model' | 'objective' | 'algorithm' | 'gradientNoise' | 'init' | 'stopping' | 'logging' | 'minibatch'>;

export function resolveSyntheticSpec(spec: SpecLike): { resolved: ResolvedSynthetic; problems: ResolveProblem[] } {
  const problems: ResolveProblem[] = [];
  const { data, model, objective, algorithm } = spec;
  const d = data.d;
  const kappa = data.kappa ?? (data.N !== undefined ? Math.min(0.999, Math.sqrt(d / data.N)) : DEFAULT_KAPPA);
  const N = data.N ?? Math.max(2, Math.round(d / (kappa * kappa)));
  const p0 = data.p0 ?? (kappa * kappa) / 2;
  const q0 = data.q0;
  if (p0 + q0 > 1 + 1e-12) {
    problems.push({ path: ['data', 'q0'], message: `p0 + q0 must be ≤ 1 (p0 = ${fmt(p0)}, q0 = ${fmt(q0)})` });
  }
  const r = data.r ?? Math.pow(d, -0.75);
  const lambda = objective.lambda ?? Math.pow(d, -1.25);
  const k = model.patches;
  if (model.variant === 'two-layer' && k !== 1) {
    problems.push({ path: ['model', 'patches'], message: `patches must be 1 for variant two-layer (use two-layer-conv for k = ${k})` });
  }
  if (Number.isInteger(d) && d >= 2 && d % k !== 0) {
    problems.push({ path: ['model', 'patches'], message: `patches (k = ${k}) must divide d = ${d}` });
  }
  const tauXi = spec.gradientNoise.tauXi;
  let tau0: number;
  if (spec.init.tau0 === 'stationary') {
    const rate = spec.init.stationaryRate ?? (algorithm.name === 'L-S' ? algorithm.eta1 : undefined);
    if (rate === undefined) {
      problems.push({ path: ['init', 'stationaryRate'], message: `a stationary init under ${algorithm.name} needs init.stationaryRate (the η1 it is stationary at)` });
      tau0 = 0;
    } else {
      tau0 = stationaryTau0(rate, tauXi, lambda);
      // A NaN λ comes from an invalid d, which the field check already reports.
      if (!Number.isFinite(tau0)) {
        if (Number.isFinite(lambda)) {
          problems.push({ path: ['init', 'tau0'], message: `stationary init needs λ > 0 and η·λ < 2 (η = ${fmt(rate)}, λ = ${fmt(lambda)})` });
        }
        tau0 = 0;
      }
    }
  } else {
    tau0 = spec.init.tau0;
  }
  const batchSize = spec.minibatch ? spec.minibatch.size : null;
  if (batchSize !== null && batchSize > N) {
    problems.push({ path: ['minibatch', 'size'], message: `batch size must be ≤ N = ${N}` });
  }
  return {
    resolved: {
      d,
      N,
      kappa,
      p0,
      q0,
      r,
      gamma0: data.gamma0,
      testSize: data.testSize,
      m: model.width,
      variant: model.variant,
      k,
      lambda,
      tauXi,
      tau0,
      maxIterations: spec.stopping.maxIterations,
      logEvery: spec.logging.every,
      checkpointEvery: spec.logging.checkpointEvery,
      batchSize,
    },
    problems,
  };
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
