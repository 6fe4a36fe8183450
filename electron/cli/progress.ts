/**
 * Progress of the CLI's runs on stderr: one bar per running run on a terminal, a line every few
 * seconds otherwise. Messages go above the bars (never printed over one).
 */
import cliProgress from 'cli-progress';
import { progressBarOptions, type ProgressStream } from '../../engine/cli';

export type { ProgressStream };

export interface RunProgressUpdate {
  readonly step: number;
  readonly totalSteps: number;
  readonly loss: number | null;
  readonly stepsPerS: number | null;
}

const fmt = (x: number | null): string => (x === null ? '—' : Number.isFinite(x) ? x.toFixed(4) : String(x));

export class ProgressDisplay {
  private readonly multi: cliProgress.MultiBar | null;
  private readonly bars = new Map<string, cliProgress.SingleBar>();
  private readonly lastLine = new Map<string, number>();
  private stopped = false;

  constructor(private readonly stream: ProgressStream) {
    this.multi =
      stream.isTTY === true
        ? new cliProgress.MultiBar(progressBarOptions(stream, '{label} {bar} {percentage}% | {value}/{total} it | {speed} it/s | loss {loss} | eta {eta_formatted}'), cliProgress.Presets.shades_classic)
        : null;
  }

  /** A message on its own line, above any bars. */
  log(line: string): void {
    const text = line.endsWith('\n') ? line : `${line}\n`;
    if (this.multi && !this.stopped && this.bars.size > 0) this.multi.log(text);
    else this.stream.write(text);
  }

  update(runId: string, label: string, p: RunProgressUpdate): void {
    if (this.stopped) return;
    const payload = { label, loss: fmt(p.loss), speed: p.stepsPerS === null ? '—' : p.stepsPerS.toFixed(1) };
    if (this.multi) {
      const bar = this.bars.get(runId);
      if (!bar) this.bars.set(runId, this.multi.create(p.totalSteps, p.step, payload));
      else {
        bar.setTotal(p.totalSteps);
        bar.update(p.step, payload);
      }
      return;
    }
    const now = Date.now();
    if (now - (this.lastLine.get(runId) ?? 0) < 10_000 && p.step < p.totalSteps) return;
    this.lastLine.set(runId, now);
    this.stream.write(`${label} step ${p.step}/${p.totalSteps}  loss ${payload.loss}  ${payload.speed} it/s\n`);
  }

  /** Stops the bars (they stay on screen as they are) so that what follows starts on a clean line. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.multi && this.bars.size > 0) this.multi.stop();
  }
}
