/**
 * A run's live progress as the host sends it (`training.onDidProgress`), for the local recorder
 * (recorder.ts) and the cluster ingester (cluster/ingester.ts) alike: the same step rate and the
 * same time-to-go, whichever executor trains the run.
 */
import type { ProgressInfo } from '../../../engine/experiments/types';
import type { Progress } from '../../api/schemas';
import { wireRecord } from '../services/wire';

/** Steps per second from successive progress reports: measured over at least a second, smoothed (0.7 old + 0.3 new). */
export class StepRate {
  private last: { step: number; t: number; stepsPerS: number | null } | null = null;

  /** Notes a report at `step` at time `now` (ms); returns the estimate, null until a second has passed. */
  update(step: number, now: number): number | null {
    if (this.last === null) this.last = { step, t: now, stepsPerS: null };
    else if (now - this.last.t >= 1000) {
      const inst = (step - this.last.step) / ((now - this.last.t) / 1000);
      this.last = { step, t: now, stepsPerS: this.last.stepsPerS === null ? inst : 0.7 * this.last.stepsPerS + 0.3 * inst };
    }
    return this.last.stepsPerS;
  }
}

/** The progress event: the report, the run's latest values, its step rate and the time left at that rate. */
export function progressEvent(runId: string, p: ProgressInfo, values: Record<string, number>, stepsPerS: number | null, wallS: number): Progress {
  return {
    runId,
    step: p.step,
    totalSteps: p.totalSteps,
    epoch: p.epoch,
    totalEpochs: p.totalEpochs,
    values: wireRecord(values),
    stepsPerS,
    etaS: stepsPerS && stepsPerS > 0 ? Math.max(0, (p.totalSteps - p.step) / stepsPerS) : null,
    wallS,
  };
}
