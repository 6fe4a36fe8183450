/**
 * Collapse detection (docs/science.md, "Collapse detection"): a run whose training loss stays
 * at chance, or that suddenly loses most of what it had learned, ends with finite numbers and
 * would otherwise look "completed". The watcher sees each training loss as the run logs it and
 * reports the first collapse once, as a `collapse` event; the run's result carries
 * `collapsed: true`. It never stops the run: the curves are real, only flagged.
 *
 * Rules, with chance = log C (C classes; log 2 for the ±1 synthetic task):
 * - at chance: at a check the caller marks as past warm-up, every loss seen so far is
 *   ≥ (1 − tolerance)·chance;
 * - sudden: once the best loss so far is ≤ 0.8·chance, a loss ≥ best + ½·(chance − best).
 * NaN / ±Inf losses are the divergence check's business and are ignored here.
 *
 * A loss measured with injected noise (the image kind's pre-activation noise) is not a
 * noise-free measure: at σ ≈ 1 a network that classifies 60 % of clean images right can have
 * a training loss above log C. For such a loss the caller passes a noise-free `check` (the
 * clean validation accuracy), and a collapse must show in it too: at chance, accuracy
 * ≤ 1/C + 0.1·(1 − 1/C); sudden, accuracy back down by at least half of its best progress
 * above 1/C.
 */
import type { RunEvent } from './types';

export type CollapseKind = 'at-chance' | 'sudden';

export interface CollapseFinding {
  readonly kind: CollapseKind;
  readonly step: number;
  readonly epoch: number | null;
  readonly loss: number;
  readonly best: number;
}

export interface CollapseOptions {
  /** Loss of a chance-level predictor: log C. */
  readonly chanceLoss: number;
  /** "At chance" means loss ≥ (1 − tolerance)·chance; default 0.05. */
  readonly tolerance?: number;
  /** What the loss is, for the message (e.g. 'epoch-mean training loss'). */
  readonly what?: string;
}

/** A noise-free accuracy that confirms (or refutes) what a noisy training loss suggests. */
export interface CollapseCheck {
  /** e.g. clean validation accuracy, measured without noise. */
  readonly accuracy: number;
  /** Accuracy of a chance-level predictor: 1/C. */
  readonly chanceAccuracy: number;
}

/** With a check, "at chance" also needs accuracy ≤ chance + this fraction of (1 − chance). */
export const CHECK_AT_CHANCE_FRACTION = 0.1;

/** Fraction of chance the best loss must reach before a rise counts as a sudden collapse. */
export const SUDDEN_BEST_FRACTION = 0.8;
/** Fraction of the progress (chance − best) a rise must undo to count as a sudden collapse. */
export const SUDDEN_UNDO_FRACTION = 0.5;

export class CollapseWatch {
  readonly chanceLoss: number;
  private readonly tolerance: number;
  private readonly what: string;
  private best = Number.POSITIVE_INFINITY;
  private bestAccuracy = Number.NEGATIVE_INFINITY;
  private allAtChance = true;
  private seen = 0;
  private found: CollapseFinding | null = null;

  constructor(o: CollapseOptions) {
    if (!(o.chanceLoss > 0)) throw new RangeError(`chance loss must be > 0, got ${o.chanceLoss}`);
    this.chanceLoss = o.chanceLoss;
    this.tolerance = o.tolerance ?? 0.05;
    this.what = o.what ?? 'training loss';
  }

  get collapsed(): boolean {
    return this.found !== null;
  }

  get finding(): CollapseFinding | null {
    return this.found;
  }

  /**
   * One training loss. `pastWarmup`: whether "stays at chance" may be decided at this point
   * (e.g. after epoch 2, or at the end of the run). `check`: a noise-free accuracy, when the
   * loss was measured with noise (see the file's comment). Returns the event to record the
   * first time a collapse is found, else null.
   */
  observe(loss: number, step: number, epoch: number | null, pastWarmup: boolean, check?: CollapseCheck): RunEvent | null {
    if (!Number.isFinite(loss)) return null;
    const chance = this.chanceLoss;
    this.seen++;
    if (loss < (1 - this.tolerance) * chance) this.allAtChance = false;
    const acc = check !== undefined && Number.isFinite(check.accuracy) ? check : undefined;
    const accAtChance = acc === undefined || acc.accuracy <= acc.chanceAccuracy + CHECK_AT_CHANCE_FRACTION * (1 - acc.chanceAccuracy);
    const accFell =
      acc === undefined ||
      (this.bestAccuracy > acc.chanceAccuracy && acc.accuracy <= this.bestAccuracy - SUDDEN_UNDO_FRACTION * (this.bestAccuracy - acc.chanceAccuracy));
    let kind: CollapseKind | null = null;
    if (this.found === null) {
      if (pastWarmup && this.allAtChance && accAtChance) kind = 'at-chance';
      else if (this.best <= SUDDEN_BEST_FRACTION * chance && loss >= this.best + SUDDEN_UNDO_FRACTION * (chance - this.best) && accFell) kind = 'sudden';
    }
    const best = this.best;
    this.best = Math.min(this.best, loss);
    if (acc !== undefined) this.bestAccuracy = Math.max(this.bestAccuracy, acc.accuracy);
    if (kind === null) return null;
    this.found = { kind, step, epoch, loss, best: kind === 'sudden' ? best : this.best };
    const where = epoch !== null ? `epoch ${epoch}` : `iteration ${step}`;
    const confirmed = acc !== undefined ? ` (and the noise-free accuracy is ${acc.accuracy.toPrecision(3)}, chance ${acc.chanceAccuracy.toPrecision(3)})` : '';
    const message =
      kind === 'at-chance'
        ? `Collapsed: the ${this.what} has stayed at chance (${loss.toPrecision(4)} vs log C = ${chance.toPrecision(4)}) through ${where}${confirmed}; the network is not learning (learning rate too large or too small?)`
        : `Collapsed: the ${this.what} jumped back to ${loss.toPrecision(4)} at ${where}, from a best of ${best.toPrecision(4)} (chance ${chance.toPrecision(4)})${confirmed}; the network lost most of what it had learned (learning rate too large?)`;
    const data = { collapse: kind, loss, best: this.found.best, chance, ...(acc !== undefined ? { accuracy: acc.accuracy } : {}) };
    return { kind: 'collapse', step, epoch, message, data };
  }
}
