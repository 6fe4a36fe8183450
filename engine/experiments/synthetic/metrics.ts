/**
 * Metric keys of the synthetic experiment (a contract: stores, figures and the CLI use them)
 * and their computation from noise-free outputs f, r, g. An example counts as correct when
 * y·f > 0 (f = 0 is an error); a kind with no examples gives NaN.
 *
 * `lr` and `noise` are the learning rate γ_t and the pre-activation noise std τ_t of the update
 * taken at that step (`noise` is 0 for L-S and S; the gradient noise τ_ξ is constant and lives in
 * the spec). `train/*` are noise-free evaluations of the current weights on the whole training
 * set; `train/loss_reg` = train/loss + (λ/2)‖U‖²_F. `test/r_acc` is the accuracy of sign r(x) on
 * test examples with a P component, `test/g_acc` that of sign g(x) on examples with a Q component.
 */
import type { Dataset } from './data';
import { KIND_BOTH, KIND_NAMES, KIND_P_ONLY, KIND_Q_ONLY } from './data';
import type { Outputs } from './model';

export const SYNTHETIC_METRIC_KEYS = [
  'lr',
  'noise',
  'train/loss',
  'train/loss_reg',
  'train/acc',
  'train/p_only/loss',
  'train/p_only/acc',
  'train/q_only/loss',
  'train/q_only/acc',
  'train/both/loss',
  'train/both/acc',
  'test/p_only/loss',
  'test/p_only/acc',
  'test/p_only/err',
  'test/q_only/loss',
  'test/q_only/acc',
  'test/q_only/err',
  'test/both/loss',
  'test/both/acc',
  'test/both/err',
  'test/all/loss',
  'test/all/acc',
  'test/all/err',
  'test/r_acc',
  'test/g_acc',
  'norm/W',
  'norm/V',
] as const;
export type SyntheticMetricKey = (typeof SYNTHETIC_METRIC_KEYS)[number];

/** log(1 + e^t), stable for large |t|. */
export function softplus(t: number): number {
  return Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
}

interface Acc {
  loss: number;
  correct: number;
  n: number;
}

function perKind(ds: Dataset, out: Outputs): { kinds: Acc[]; all: Acc; rAcc: number; gAcc: number } {
  const kinds: Acc[] = [0, 1, 2].map(() => ({ loss: 0, correct: 0, n: 0 }));
  const all: Acc = { loss: 0, correct: 0, n: 0 };
  let rOk = 0;
  let rN = 0;
  let gOk = 0;
  let gN = 0;
  for (let i = 0; i < ds.n; i++) {
    const y = ds.y[i]!;
    const k = ds.kind[i]!;
    const yf = y * out.f[i]!;
    const l = softplus(-yf);
    const ok = yf > 0 ? 1 : 0;
    const a = kinds[k]!;
    a.loss += l;
    a.correct += ok;
    a.n++;
    all.loss += l;
    all.correct += ok;
    all.n++;
    if (k === KIND_P_ONLY || k === KIND_BOTH) {
      rN++;
      if (y * out.r[i]! > 0) rOk++;
    }
    if (k === KIND_Q_ONLY || k === KIND_BOTH) {
      gN++;
      if (y * out.g[i]! > 0) gOk++;
    }
  }
  return { kinds, all, rAcc: rN ? rOk / rN : Number.NaN, gAcc: gN ? gOk / gN : Number.NaN };
}

const mean = (a: Acc, x: number) => (a.n ? x / a.n : Number.NaN);

/** train/loss, train/acc, train/{kind}/{loss,acc} (train/loss_reg is added by the caller, who knows ‖U‖). */
export function trainMetrics(ds: Dataset, out: Outputs): Record<string, number> {
  const { kinds, all } = perKind(ds, out);
  const m: Record<string, number> = { 'train/loss': mean(all, all.loss), 'train/acc': mean(all, all.correct) };
  KIND_NAMES.forEach((name, k) => {
    const a = kinds[k]!;
    m[`train/${name}/loss`] = mean(a, a.loss);
    m[`train/${name}/acc`] = mean(a, a.correct);
  });
  return m;
}

/** test/{kind,all}/{loss,acc,err}, test/r_acc, test/g_acc. */
export function testMetrics(ds: Dataset, out: Outputs): Record<string, number> {
  const { kinds, all, rAcc, gAcc } = perKind(ds, out);
  const m: Record<string, number> = {};
  const put = (name: string, a: Acc) => {
    m[`test/${name}/loss`] = mean(a, a.loss);
    m[`test/${name}/acc`] = mean(a, a.correct);
    m[`test/${name}/err`] = a.n ? 1 - a.correct / a.n : Number.NaN;
  };
  KIND_NAMES.forEach((name, k) => put(name, kinds[k]!));
  put('all', all);
  m['test/r_acc'] = rAcc;
  m['test/g_acc'] = gAcc;
  return m;
}
