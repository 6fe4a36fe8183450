/**
 * Development entry for the CLI functions before the `lrlab` bin exists (the bin in
 * electron/cli calls the same functions). Kept thin on purpose:
 *   npx tsx engine/cli/dev.ts run --preset toy-ls --seed 1 --json
 *   npx tsx engine/cli/dev.ts run SPEC.json --set data.d=128 --seed 2
 *   npx tsx engine/cli/dev.ts sweep SWEEP.json [--json]
 *   npx tsx engine/cli/dev.ts presets
 */
import { Command } from 'commander';
import { appendFileSync, writeFileSync } from 'node:fs';
import type { RunHooks } from '../experiments';
import { isSweepDocument } from '../spec/sweep';
import { formatPresetList } from './presets';
import { readSpecFile, resolveRunSpec } from './resolve';
import { resultToJson } from './json';
import { runWithProgress } from './run';
import { formatSweepTable, parseSweepSpec, runSweep } from './sweep';

const collect = (v: string, prev: string[]) => [...prev, v];

async function sweepFile(file: string, opts: { json?: boolean; backend?: string; set: string[] }): Promise<void> {
  const doc = readSpecFile(file);
  const sweep = parseSweepSpec({ ...doc, set: [...((doc['set'] as string[] | undefined) ?? []), ...opts.set] });
  const rows = await runSweep(sweep, { json: Boolean(opts.json), stderr: process.stderr, ...(opts.backend ? { backend: opts.backend } : {}) });
  process.stderr.write(formatSweepTable(sweep.parameter, rows));
  if (opts.json) process.stdout.write(resultToJson(rows.map((r) => r.result)) + '\n');
  else process.stdout.write(formatSweepTable(sweep.parameter, rows));
}

/** Hooks that append metric records and events to a JSON-lines file. */
function jsonLines(path: string): RunHooks {
  writeFileSync(path, '');
  const put = (o: unknown) => appendFileSync(path, JSON.stringify(o, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) + '\n');
  return { onMetrics: (m) => put({ type: 'metrics', ...m }), onEvent: (e) => put({ type: 'event', ...e }) };
}

const program = new Command('lrlab-dev').description('LR Lab engine CLI (development entry)');

program
  .command('run')
  .argument('[spec]', 'run spec JSON file (or a sweep spec)')
  .option('--preset <name>', 'run a preset')
  .option('--set <path=value>', 'override a spec field (repeatable)', collect, [])
  .option('--seed <n>', 'seed', (v) => Number.parseInt(v, 10))
  .option('--backend <name>', 'auto, tensorflow-gpu, tensorflow, wasm or cpu')
  .option('--json', 'print the result as one JSON object on stdout')
  .option('--metrics-out <file>', 'also write every metric record and event as JSON lines (development aid)')
  .action(async (file: string | undefined, opts: { preset?: string; set: string[]; seed?: number; backend?: string; json?: boolean; metricsOut?: string }) => {
    if (file && isSweepDocument(readSpecFile(file))) return sweepFile(file, opts);
    const spec = resolveRunSpec({
      ...(opts.preset !== undefined ? { preset: opts.preset } : {}),
      ...(file !== undefined ? { specFile: file } : {}),
      set: opts.set,
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.backend !== undefined ? { backend: opts.backend } : {}),
    });
    const result = await runWithProgress(spec, { json: Boolean(opts.json), stderr: process.stderr, ...(opts.metricsOut ? { hooks: jsonLines(opts.metricsOut) } : {}) });
    if (opts.json) process.stdout.write(resultToJson(result) + '\n');
    else process.stdout.write(`${result.status}: ${JSON.stringify({ steps: result.steps, anneal_step: result.anneal_step, wall_s: result.wall_s })}\n`);
  });

program
  .command('sweep')
  .argument('<file>', 'sweep spec JSON file (kind "sweep")')
  .option('--set <path=value>', 'override a base-spec field for every point (repeatable)', collect, [])
  .option('--backend <name>', 'auto, tensorflow-gpu, tensorflow, wasm or cpu')
  .option('--json', 'print the results as a JSON array on stdout (the table goes to stderr)')
  .action((file: string, opts: { json?: boolean; backend?: string; set: string[] }) => sweepFile(file, opts));

program.command('presets').action(() => {
  process.stdout.write(formatPresetList());
});

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
