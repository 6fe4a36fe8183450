/**
 * Runs one spec in this process with a progress bar on stderr (research scripts and tests; the
 * `lrlab` command trains through the host's queue and worker processes instead).
 */
import cliProgress from 'cli-progress';
import type { BackendName } from '../backend';
import { initBackend, requestedBackend } from '../backend';
import type { Checkpoint, RunEvent, RunHooks, RunResult } from '../experiments';
import { runExperiment } from '../experiments';
import type { RunSpec } from '../spec';

/**
 * The result of an in-process run (research scripts, tests): the engine's RunResult as it is,
 * with the spec and the backend that ran it. (`lrlab run` itself trains through the host's queue.)
 */
export interface CliRunResult extends RunResult {
  readonly spec: RunSpec;
  readonly backend: BackendName;
}

/** What the CLI writes progress to: process.stderr, or a test double. */
export interface ProgressStream {
  write(chunk: string): boolean;
  readonly isTTY?: boolean;
}

/** How a progress bar on a terminal looks, for runWithProgress (here) and the CLI's queued runs (electron/cli/progress.ts) alike. */
export function progressBarOptions(stream: ProgressStream, format: string): cliProgress.Options {
  return { stream: stream as unknown as NodeJS.WritableStream, format, hideCursor: false, clearOnComplete: false, etaBuffer: 50, fps: 5 };
}

export interface RunWithProgressOptions {
  /** When true the caller prints the result as JSON on stdout; progress stays on stderr. */
  readonly json: boolean;
  /** Extra hooks (the host adds store recording); called alongside the progress display. */
  readonly hooks?: RunHooks;
  readonly stderr: ProgressStream;
  /** Overrides spec.backend (the `--backend` flag). */
  readonly backend?: string;
  /** Prefix of every progress line (a sweep shows which point runs). */
  readonly label?: string;
  /** Continue a run from this checkpoint (`lrlab resume`). */
  readonly resumeFrom?: Checkpoint;
}

function describeEvent(e: RunEvent): string {
  return `[${e.kind} @ ${e.step}] ${e.message}`;
}

function fmt(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? String(x) : x.toFixed(4);
}

/** Runs one spec on the backend it asks for (or `backend`), showing progress on stderr. */
export async function runWithProgress(spec: RunSpec, options: RunWithProgressOptions): Promise<CliRunResult> {
  const { stderr } = options;
  const wanted = options.backend ?? spec.backend;
  const report = await initBackend({ force: requestedBackend(wanted === 'auto' ? null : wanted) });
  const label = options.label ? `${options.label} ` : '';
  stderr.write(`${label}backend: ${report.summary}\n`);
  const extra = options.hooks ?? {};
  let loss: number | undefined;
  let testErr: number | undefined;

  const tty = stderr.isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar(progressBarOptions(stderr, `${label}{bar} {percentage}% | {value}/{total} it | {speed} it/s | loss {loss} | test err {err} | eta {eta_formatted}`), cliProgress.Presets.shades_classic)
    : null;
  let started = false;
  const t0 = performance.now();
  let lastLine = 0;
  const payload = (step: number) => ({
    loss: fmt(loss),
    err: fmt(testErr),
    speed: (step / Math.max(1e-3, (performance.now() - t0) / 1000)).toFixed(1),
  });

  const hooks: RunHooks = {
    onMetrics(m) {
      // Synthetic runs report test error; image runs clean validation accuracy (as an error).
      const acc = m.values['val/clean/acc'];
      testErr = m.values['test/all/err'] ?? (acc === undefined ? testErr : 1 - acc);
      loss = m.values['train/loss'] ?? loss;
      extra.onMetrics?.(m);
    },
    onEvent(e) {
      if (bar && started) stderr.write('\r\x1b[K');
      stderr.write(`${label}${describeEvent(e)}\n`);
      extra.onEvent?.(e);
    },
    onProgress(p) {
      if (bar) {
        if (!started) {
          bar.start(p.totalSteps, p.step, payload(p.step));
          started = true;
        } else bar.update(p.step, payload(p.step));
      } else {
        const now = performance.now();
        if (now - lastLine > 10_000 || p.step === p.totalSteps) {
          lastLine = now;
          stderr.write(`${label}step ${p.step}/${p.totalSteps}  loss ${fmt(loss)}  test err ${fmt(testErr)}  ${payload(p.step).speed} it/s\n`);
        }
      }
      extra.onProgress?.(p);
    },
    ...(extra.onCheckpoint ? { onCheckpoint: (c) => extra.onCheckpoint!(c) } : {}),
    ...(extra.shouldStop ? { shouldStop: () => extra.shouldStop!() } : {}),
  };

  let result: RunResult;
  try {
    result = await runExperiment(spec, hooks, options.resumeFrom ? { resumeFrom: options.resumeFrom } : {});
  } finally {
    if (bar && started) bar.stop();
  }
  stderr.write(
    `${label}${result.status} after ${result.steps} steps (${result.stopReason}); anneal ${result.annealStep ?? 'none'}; ${result.wallS.toFixed(1)} s\n`,
  );
  return { ...result, collapsed: result.collapsed ?? false, spec, backend: report.name };
}
