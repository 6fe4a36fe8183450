/**
 * RunSpec of the synthetic experiment (paper Sections 2-5, Appendix E; docs/paper.md §1).
 *
 * Paper scalings are defaults computed from `d` and `κ` when a field is left out
 * (r = d^-3/4, λ = d^-5/4, p0 = κ²/2, N = d/κ²); `resolveSyntheticSpec` (resolve.ts) turns a
 * parsed spec into the numbers that run, and the run reports them in an 'info' event.
 * Pure zod, no tfjs: the host validates specs with it and the designer's form is generated from
 * its JSON Schema.
 */
import { z } from 'zod';
import { commonSpecFields } from '../../spec/common';
import { resolveSyntheticSpec } from './resolve';

const positive = (title: string, description: string, unit?: string) =>
  z.number().positive().max(1e6).meta(unit ? { title, description, unit } : { title, description });

export const SyntheticDataSchema = z
  .strictObject({
    d: z.number().int().min(2).max(65536).default(64).meta({
      title: 'd',
      description: 'd — dimension of each input half x1, x2 (the network sees 2d coordinates)',
    }),
    N: z.number().int().min(2).max(1_000_000).optional().meta({
      title: 'N',
      description: 'N — training-set size; default d/κ² (paper: N/d = 1/κ²)',
      unit: 'examples',
    }),
    kappa: z.number().gt(0).lt(1).optional().meta({
      title: 'κ',
      description: 'κ — sets N = d/κ² and p0 = κ²/2 when those are not given; default 0.5, or √(d/N) when N is given',
    }),
    p0: z.number().min(0).max(1).optional().meta({
      title: 'p0',
      description: 'p0 — probability of a P-only example (x2 = 0); default κ²/2',
    }),
    q0: z.number().min(0).max(1).default(0.5).meta({
      title: 'q0',
      description: 'q0 — probability of a Q-only example (x1 = 0); the rest have both components',
    }),
    r: z.number().gt(0).max(100).optional().meta({
      title: 'r',
      description: 'r — ‖ζ‖, the Q pattern’s separation between labels; default d^(-3/4)',
    }),
    gamma0: z.number().min(0).max(100).default(0.1).meta({
      title: 'γ0',
      description: 'γ0 — margin between the two half-Gaussians of P along w*',
    }),
    testSize: z.number().int().min(10).max(1_000_000).default(10_000).meta({
      title: 'Test size',
      description: 'Examples in the fresh test set (same w*, z, ζ), evaluated per kind',
      unit: 'examples',
    }),
  })
  .meta({ title: 'Data', description: 'The P/Q distribution of Section 2' });

export const SyntheticModelSchema = z
  .strictObject({
    width: z.number().int().min(1).max(1_000_000).default(256).meta({
      title: 'm',
      description: 'm — hidden width (number of ReLU neurons)',
      unit: 'neurons',
    }),
    variant: z.enum(['two-layer', 'two-layer-conv']).default('two-layer').meta({
      title: 'Model',
      description: 'two-layer: f(x) = Σ u_i [⟨U_i, x⟩]_+ ; two-layer-conv: App. E.2, k patches share U',
    }),
    patches: z.number().int().min(1).max(4096).default(1).meta({
      title: 'k',
      description: 'k — patches per input half for two-layer-conv (must divide d); 1 for two-layer',
    }),
  })
  .meta({ title: 'Model', description: 'Two-layer ReLU net with fixed second layer u_i = ±1/√m' });

export const SyntheticObjectiveSchema = z
  .strictObject({
    lambda: z.number().min(0).max(100).optional().meta({
      title: 'λ',
      description: 'λ — weight decay in L̂_λ = L̂ + (λ/2)‖U‖²_F; default d^(-5/4)',
    }),
  })
  .meta({ title: 'Objective', description: 'Logistic loss plus weight decay' });

const eta = (title: string, description: string) => positive(title, description);

export const LossThresholdAnnealSchema = z.strictObject({
  mode: z.literal('loss-threshold').meta({
    title: 'Anneal on loss',
    description: 'Anneal when the unregularized training loss L̂ < ε1 + q·log 2 (Algorithm 1)',
  }),
  eps1: z.number().gt(0).max(10).default(0.02).meta({ title: 'ε1', description: 'ε1 — anneal threshold offset above q·log 2' }),
});

export const IterationAnnealSchema = z.strictObject({
  mode: z.literal('iteration').meta({ title: 'Anneal at iteration', description: 'Anneal at a fixed iteration' }),
  at: z.number().int().min(0).max(100_000_000).meta({ title: 'Anneal at', description: 'Iteration of the anneal', unit: 'iterations' }),
});

export const LsAlgorithmSchema = z
  .strictObject({
    name: z.literal('L-S').meta({ title: 'L-S', description: 'Algorithm 1: large rate η1, then anneal to η2' }),
    eta1: eta('η1', 'η1 — initial (large) learning rate').default(0.1),
    eta2: eta('η2', 'η2 — learning rate after the anneal').default(0.01),
    anneal: z
      .discriminatedUnion('mode', [LossThresholdAnnealSchema, IterationAnnealSchema])
      .prefault({ mode: 'loss-threshold' })
      .meta({ title: 'Anneal', description: 'When η1 becomes η2' }),
    eps2: z.number().gt(0).max(10).default(0.01).meta({ title: 'ε2', description: 'ε2 — stop when L̂ ≤ ε2 after the anneal' }),
  })
  .meta({ title: 'L-S', description: 'Large learning rate, then small (Algorithm 1)' });

export const SAlgorithmSchema = z
  .strictObject({
    name: z.literal('S').meta({ title: 'S', description: 'Algorithm 2: small rate η2 throughout' }),
    eta2: eta('η2', 'η2 — the (small) learning rate').default(0.01),
    eps2prime: z.number().gt(0).max(10).default(0.01).meta({ title: 'ε2′', description: 'ε2′ — stop when L̂ ≤ ε2′' }),
  })
  .meta({ title: 'S', description: 'Small learning rate throughout (Algorithm 2)' });

export const SNoiseAlgorithmSchema = z
  .strictObject({
    name: z.literal('S+noise').meta({ title: 'S+noise', description: 'App. E.1: small rate with annealed pre-activation noise' }),
    eta2: eta('η2', 'η2 — the (small) learning rate').default(0.01),
    noiseTau0: z.number().min(0).max(1e3).default(0.1).meta({
      title: 'τ (pre-activation)',
      description: 'τ0 of the pre-activation noise Ξ_t ~ N(0, τ²), training only; see "Noise draw"',
    }),
    noiseDraw: z.enum(['shared', 'per-example']).default('shared').meta({
      title: 'Noise draw',
      description:
        'shared: one Ξ_t ∈ R^m per iteration, added to every example of the step (the paper, App. E.1); ' +
        'per-example: an independent draw for every example (and patch) of the step — a much stronger perturbation of the activation pattern, as in the independent study that saw the noise delay fitting Q',
    }),
    annealAt: z.number().int().min(0).max(100_000_000).default(1000).meta({
      title: 'Noise anneal at',
      description: 'Iteration from which the pre-activation noise is 0',
      unit: 'iterations',
    }),
    eps2: z.number().gt(0).max(10).default(0.01).meta({ title: 'ε2', description: 'ε2 — stop when L̂ ≤ ε2 after the noise anneal' }),
  })
  .meta({ title: 'S+noise', description: 'Small learning rate plus annealed pre-activation noise' });

export const SyntheticAlgorithmSchema = z
  .discriminatedUnion('name', [LsAlgorithmSchema, SAlgorithmSchema, SNoiseAlgorithmSchema])
  .prefault({ name: 'L-S' })
  .meta({ title: 'Algorithm', description: 'L-S, S or S+noise' });

export const SyntheticSpecSchema = z
  .strictObject({
    kind: z.literal('synthetic').meta({ title: 'Synthetic', description: 'The paper’s synthetic P/Q experiment' }),
    ...commonSpecFields,
    data: SyntheticDataSchema.prefault({}),
    model: SyntheticModelSchema.prefault({}),
    objective: SyntheticObjectiveSchema.prefault({}),
    algorithm: SyntheticAlgorithmSchema,
    gradientNoise: z
      .strictObject({
        tauXi: z.number().min(0).max(1e3).default(0).meta({
          title: 'τ_ξ',
          description: 'τ_ξ — std of the spherical Gaussian ξ_t added to every gradient coordinate, fresh each step',
        }),
      })
      .prefault({})
      .meta({ title: 'Gradient noise', description: 'U ← U − γ_t (∇L̂_λ(U) + ξ_t)' }),
    init: z
      .strictObject({
        tau0: z
          .union([z.number().min(0).max(1e3), z.literal('stationary')])
          .default('stationary')
          .meta({
            title: 'τ0',
            description: 'τ0 — std of the i.i.d. Gaussian init of U, or "stationary": τ0² = η·τ_ξ²/(λ(2 − ηλ)) (Assumption 3.1)',
          }),
        stationaryRate: z.number().positive().max(1e6).optional().meta({
          title: 'Stationary η',
          description: 'η used by the stationary init; default η1 of L-S (required for S and S+noise)',
        }),
      })
      .prefault({})
      .meta({ title: 'Initialization', description: 'First-layer init U0 ~ N(0, τ0²)' }),
    stopping: z
      .strictObject({
        maxIterations: z.number().int().min(0).max(100_000_000).default(20_000).meta({
          title: 'Max iterations',
          description: 'Every run ends here even if a loss threshold is never reached',
          unit: 'iterations',
        }),
      })
      .prefault({})
      .meta({ title: 'Stopping', description: 'The loss thresholds are in the algorithm; this bounds every run' }),
    logging: z
      .strictObject({
        every: z.number().int().min(1).max(1_000_000).default(50).meta({
          title: 'Log every',
          description: 'Train/test metrics are computed every this many iterations and at the end',
          unit: 'iterations',
        }),
        checkpointEvery: z.number().int().min(1).max(100_000_000).default(1000).meta({
          title: 'Checkpoint every',
          description: 'A resumable checkpoint (U, step, RNG states, anneal state) every this many iterations',
          unit: 'iterations',
        }),
      })
      .prefault({})
      .meta({ title: 'Logging', description: 'Metric and checkpoint cadence' }),
    minibatch: z
      .strictObject({
        size: z.number().int().min(1).max(1_000_000).meta({
          title: 'Batch size',
          description: 'Examples per step, sampled without replacement each step (extension; the paper is full-batch)',
          unit: 'examples',
        }),
      })
      .optional()
      .meta({ title: 'Minibatch', description: 'Off by default: the paper uses the full-batch gradient' }),
  })
  .superRefine((spec, ctx) => {
    const r = resolveSyntheticSpec(spec);
    for (const p of r.problems) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  })
  .meta({ title: 'Synthetic experiment', description: 'Two-layer ReLU net on the P/Q distribution (paper §2–5)' });

export type SyntheticSpec = z.infer<typeof SyntheticSpecSchema>;
export type SyntheticSpecInput = z.input<typeof SyntheticSpecSchema>;
export type SyntheticAlgorithm = SyntheticSpec['algorithm'];
