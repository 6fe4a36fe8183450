/**
 * SGD with momentum, Nesterov and L2 weight decay, exactly as PyTorch's `torch.optim.SGD`
 * (dampening 0), which the authors used:
 *   g ← ∇L + λ·θ;   b ← μ·b + g;   θ ← θ − η·(g + μ·b)  (Nesterov)  or  θ − η·b.
 * The momentum buffers start at 0 (so the first step's b = g, as in PyTorch).
 */
import * as tf from '@tensorflow/tfjs';

export interface SgdConfig {
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
}

export class Sgd {
  /** One buffer per parameter, by the parameter's name. */
  readonly buffers = new Map<string, tf.Variable>();

  constructor(
    readonly config: SgdConfig,
    params: ReadonlyMap<string, tf.Variable>,
  ) {
    for (const [name, p] of params) this.buffers.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  }

  /** Applies one update with rate `lr`; `grads` maps each parameter's name to its gradient. */
  step(params: ReadonlyMap<string, tf.Variable>, grads: ReadonlyMap<string, tf.Tensor>, lr: number): void {
    const { momentum: mu, nesterov, weightDecay: wd } = this.config;
    tf.tidy(() => {
      for (const [name, p] of params) {
        const grad = grads.get(name);
        const buf = this.buffers.get(name);
        if (!grad || !buf) throw new Error(`no gradient or buffer for parameter ${name}`);
        const g = wd !== 0 ? grad.add(p.mul(wd)) : grad;
        if (mu === 0) {
          p.assign(p.sub(g.mul(lr)));
          continue;
        }
        const b = buf.mul(mu).add(g);
        buf.assign(b);
        const update = nesterov ? g.add(b.mul(mu)) : b;
        p.assign(p.sub(update.mul(lr)));
      }
    });
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}
