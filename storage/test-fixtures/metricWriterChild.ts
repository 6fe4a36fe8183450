/**
 * Child for the SIGKILL test: writes metric points forever through a MetricWriter that flushes
 * every 30 ms, and prints `flushed <lastStep>` after each commit. The parent kills it with -9.
 */
import { openStore } from '../index';

const [file, runId] = process.argv.slice(2) as [string, string];
const store = openStore(file);
store.createRun({ id: runId, name: 'crash victim', spec: { kind: 'synthetic', seed: 1 }, specHash: 'h', kind: 'synthetic' });
store.markRunning(runId, { backend: 'cpu' });
const writer = store.metricWriter(runId, {
  flushEveryMs: 30,
  flushEveryPoints: 1_000_000,
  onFlush: (info) => process.stdout.write(`flushed ${info.lastStep}\n`),
});
process.stdout.write('ready\n');
let step = 0;
function tick(): void {
  for (let i = 0; i < 50; i++, step++) {
    writer.write({
      step,
      epoch: null,
      wallTimeMs: step * 0.5,
      values: { 'train/loss': step % 97 === 0 ? NaN : Math.exp(-step / 1000), 'lr': 0.1 },
    });
  }
  setTimeout(tick, 1);
}
tick();
