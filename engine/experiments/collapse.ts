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

/** Fraction of chance the best loss must reach before a rise counts as a sudden collapse. */
export const SUDDEN_BEST_FRACTION = 0.8;
/** Fraction of the progress (chance − best) a rise must undo to count as a sudden collapse. */
export const SUDDEN_UNDO_FRACTION = 0.5;

export class CollapseWatch {
  readonly chanceLoss: number;
  private readonly tolerance: number;
  private readonly what: string;
  private best = Number.POSITIVE_INFINITY;
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
   * (e.g. after epoch 2, or at the end of the run). Returns the event to record the first time a
   * collapse is found, else null.
   */
  observe(loss: number, step: number, epoch: number | null, pastWarmup: boolean): RunEvent | null {
    if (!Number.isFinite(loss)) return null;
    const chance = this.chanceLoss;
    this.seen++;
    if (loss < (1 - this.tolerance) * chance) this.allAtChance = false;
    let kind: CollapseKind | null = null;
    if (this.found === null) {
      if (pastWarmup && this.allAtChance) kind = 'at-chance';
      else if (this.best <= SUDDEN_BEST_FRACTION * chance && loss >= this.best + SUDDEN_UNDO_FRACTION * (chance - this.best)) kind = 'sudden';
    }
    const best = this.best;
    this.best = Math.min(this.best, loss);
    if (kind === null) return null;
    this.found = { kind, step, epoch, loss, best: kind === 'sudden' ? best : this.best };
    const where = epoch !== null ? `epoch ${epoch}` : `iteration ${step}`;
    const message =
      kind === 'at-chance'
        ? `Collapsed: the ${this.what} has stayed at chance (${loss.toPrecision(4)} vs log C = ${chance.toPrecision(4)}) through ${where}; the network is not learning (learning rate too large or too small?)`
        : `Collapsed: the ${this.what} jumped back to ${loss.toPrecision(4)} at ${where}, from a best of ${best.toPrecision(4)} (chance ${chance.toPrecision(4)}); the network lost most of what it had learned (learning rate too large?)`;
    return { kind: 'collapse', step, epoch, message, data: { collapse: kind, loss, best: this.found.best, chance } };
  }
}
