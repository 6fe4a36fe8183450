/**
 * `lrlab`: the headless door. Same host, services and store as the window and browser mode,
 * so a run launched here on a GPU server is in the store the GUI browses.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { existsSync, readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RunQuerySchema } from '../api/schemas';
import { COLUMN_ID_FORMS } from '../api/columnIds';
import { invalidRequestMessage } from '../main/host/dispatch';
import { createHost, type Host } from '../main/host/host';
import { appFacts } from '../main/host/provenance';
import { DEFAULT_PORT, startServer } from '../main/server/server';
import { formatInfo, formatRunDetail, formatRunTable } from './format';
import { formatPresetList, isSweepDocument, parseSweepSpec, readSpecFile, resolveRunSpec, formatSweepTable, expandSweepPoints } from '../../engine/cli';
import { MAX_BUNDLE_BYTES, diagnoseStore, salvagePath, salvageStore, type RunStore } from '../../storage';
import { resolveStorePath } from '../main/host/paths';
import { outputJson, trainThroughQueue, type CliRunOutput, type TrainOutcome } from './train';
import { registerFigureCommand } from './figure';
import { runClusterWorker } from '../main/cluster/clusterWorker';
import { addExecutorOptions, exitCodeOf, refuseSlurmOptionsOnLocal, runOnSlurm, type SlurmCliOptions } from './slurm';

const program = new Command();
program
  .name('lrlab')
  .description('LR Lab: how the initial learning rate changes what a neural network learns, and when.')
  .version(appFacts().appVersion)
  .showHelpAfterError('(run `lrlab help` for usage)');

const collect = (v: string, prev: string[]) => [...prev, v];

/**
 * A strict integer option: digits only (an optional minus sign), a safe integer within
 * [min, max]; anything else is an error that echoes what was typed (`--seed 1e40`, `--seed 2.7`).
 */
export function intOption(name: string, min: number, max: number): (v: string) => number {
  return (v: string) => {
    const t = v.trim();
    const n = /^-?\d+$/.test(t) ? Number(t) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}; got "${v}".`);
    }
    return n;
  };
}
const seedOption = () => intOption('--seed', 0, 2 ** 31 - 1);
const storeOption = () => new Option('--store <path>', 'run store file (default: $LRLAB_STORE or the per-user data folder)').env('LRLAB_STORE');
const backendOption = () =>
  new Option('--backend <name>', 'engine backend').choices(['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']).env('LRLAB_BACKEND');

/** A host for one command (no queue): the store and the services, closed afterwards. */
async function withHost<T>(opts: { store?: string; backend?: string }, f: (h: Host) => Promise<T>, how: { readOnly?: boolean } = {}): Promise<T> {
  const open = (readOnly: boolean) => createHost({ mode: 'cli', storePath: opts.store, backend: opts.backend, runQueue: false, ...(readOnly ? { readOnly: true } : {}) });
  let host: Host;
  if (how.readOnly) {
    // A command that only reads still opens the store as every door does where it can, so a
    // run whose process died (kill -9 of a CLI run) is recorded `interrupted` before it is
    // shown. Only where the store cannot be written (full disk, read-only file system, a
    // damaged file that refuses writes) does it read without writing; if that fails too, the
    // first error is the one that says what is wrong.
    try {
      host = await open(false);
    } catch (first) {
      try {
        host = await open(true);
      } catch {
        throw first;
      }
    }
  } else host = await open(false);
  try {
    return await f(host);
  } finally {
    await host.close();
  }
}

/** Full run id from an id or a unique prefix of one (as `lrlab list` shows them). */
function resolveId(store: RunStore, idOrPrefix: string): string {
  try {
    return store.getRun(idOrPrefix).id;
  } catch {
    const ids = store
      .listRuns({ includeDeleted: true, limit: 100_000, text: undefined })
      .rows.map((r) => r.id)
      .filter((id) => id.startsWith(idOrPrefix));
    if (ids.length === 1) return ids[0]!;
    if (ids.length === 0) throw new Error(`No run "${idOrPrefix}" in ${store.file}. \`lrlab list\` shows the runs there.`);
    throw new Error(`"${idOrPrefix}" matches ${ids.length} runs (${ids.slice(0, 4).join(', ')}…): give more of the id.`);
  }
}

interface RunOpts {
  preset?: string;
  set: string[];
  seed?: number;
  backend?: string;
  json?: boolean;
  store?: string | false;
  concurrency?: number;
}

/** Ctrl-C once while a Slurm launch is followed: tells runOnSlurm to stop (what that means is its call). */
function slurmStopFlag(): () => boolean {
  let stop = false;
  process.once('SIGINT', () => {
    stop = true;
    process.stderr.write('\nStopping (Ctrl-C)…\n');
  });
  return () => stop;
}

/** Exit status of a CLI training: a signal's (130/143), 3 when a run diverged, 1 when one failed or was interrupted. */
function finish(outcome: TrainOutcome, json: boolean, many: boolean): void {
  const { outputs, signalExit } = outcome;
  if (json) process.stdout.write(outputJson(many ? outputs : outputs[0]!) + '\n');
  else if (!many) {
    const r = outputs[0]!;
    process.stdout.write(`${r.status}${r.steps !== null ? ` after ${r.steps} steps` : ''}${r.stopReason ? ` (${r.stopReason})` : ''}${r.runId ? `; run ${r.runId}` : ''}\n`);
  }
  if (signalExit !== null) process.exitCode = signalExit;
  else if (outputs.some((r) => r.status === 'failed' || r.status === 'interrupted')) process.exitCode = 1;
  else if (outputs.some((r) => r.status === 'diverged')) process.exitCode = 3;
}

async function runSweepFile(file: string, opts: RunOpts & SlurmCliOptions): Promise<void> {
  refuseSlurmOptionsOnLocal(opts);
  const doc = readSpecFile(file);
  const sweep = parseSweepSpec({ ...doc, set: [...((doc['set'] as string[] | undefined) ?? []), ...opts.set] });
  const points = expandSweepPoints(sweep);
  if (opts.executor === 'slurm') {
    const groupId = `sweep-${Date.now().toString(36)}`;
    const results = await runOnSlurm(
      points.map((p, i) => ({ spec: p.spec, label: `[${i + 1}/${points.length} ${sweep.parameter}=${JSON.stringify(p.value)} seed=${p.seed}]`, groupId: `${groupId}-${i}` })),
      { ...opts, shouldStop: slurmStopFlag() },
    );
    if (!results) return;
    const rows = points.map((p, i) => ({ value: p.value, seed: p.seed, result: results[i]! }));
    const table = formatSweepTable(sweep.parameter, rows);
    if (opts.json) process.stderr.write(table);
    else process.stdout.write(table);
    if (opts.json) process.stdout.write(outputJson(results) + '\n');
    process.exitCode = exitCodeOf(results);
    return;
  }
  const groupName = `sweep-${Date.now().toString(36)}`;
  const outcome = await trainThroughQueue(
    {
      plans: points.map((p, i) => ({
        spec: opts.backend ? { ...p.spec, backend: opts.backend as never } : p.spec,
        label: `[${i + 1}/${points.length} ${sweep.parameter}=${JSON.stringify(p.value)} seed=${p.seed}]`,
        groupName,
      })),
    },
    { store: opts.store, backend: opts.backend, concurrency: opts.concurrency, stderr: process.stderr },
  );
  const rows = outcome.outputs.map((result: CliRunOutput, i) => ({ value: points[i]!.value, seed: points[i]!.seed, result }));
  const table = formatSweepTable(sweep.parameter, rows);
  if (opts.json) process.stderr.write(table);
  else process.stdout.write(table);
  finish(outcome, Boolean(opts.json), true);
}

const runCommand = program
  .command('run')
  .description('train one run (or every point of a sweep spec) and record it in the store')
  .argument('[spec]', 'run spec JSON file, or a sweep spec ({"kind": "sweep", ...})')
  .option('--preset <name>', 'start from a preset (`lrlab presets`)')
  .option('--set <path=value>', 'override a spec field, e.g. --set data.d=128 (repeatable)', collect, [])
  .option('--seed <n>', 'seed (a whole number)', seedOption())
  .addOption(backendOption())
  .addOption(storeOption())
  .option('--no-store', 'do not keep the run (it trains through a temporary store)')
  .option('--concurrency <n>', 'runs trained at once when this command runs the queue (a sweep)', intOption('--concurrency', 1, 64))
  .option('--json', 'print the result as one JSON object on stdout (progress stays on stderr)')
  .action(async (file: string | undefined, opts: RunOpts & SlurmCliOptions) => {
    if (!file && !opts.preset) throw new Error('Give a spec file or --preset NAME (`lrlab presets` lists them).');
    refuseSlurmOptionsOnLocal(opts);
    if (file && isSweepDocument(readSpecFile(file))) return runSweepFile(file, opts);
    const spec = resolveRunSpec({
      ...(opts.preset !== undefined ? { preset: opts.preset } : {}),
      ...(file !== undefined ? { specFile: file } : {}),
      set: opts.set,
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.backend !== undefined ? { backend: opts.backend } : {}),
    });
    if (opts.executor === 'slurm') {
      const results = await runOnSlurm([{ spec, label: `[${spec.name ?? spec.kind} s${spec.seed}]`, preset: opts.preset ?? null }], { ...opts, shouldStop: slurmStopFlag() });
      if (!results) return;
      const r = results[0]!;
      if (opts.json) process.stdout.write(outputJson(r) + '\n');
      else process.stdout.write(`${r.status} after ${r.steps ?? 0} steps (${r.stopReason ?? r.error ?? r.status}); run ${r.runId}\n`);
      process.exitCode = exitCodeOf(results);
      return;
    }
    const outcome = await trainThroughQueue({ plans: [{ spec, preset: opts.preset ?? null }] }, { store: opts.store, backend: opts.backend, stderr: process.stderr });
    finish(outcome, Boolean(opts.json), false);
  });

const sweepCommand = program
  .command('sweep')
  .description('run every point of a sweep spec (one parameter over a list × seeds) and print a table')
  .argument('<file>', 'sweep spec JSON file')
  .option('--set <path=value>', 'override a base-spec field for every point (repeatable)', collect, [])
  .addOption(backendOption())
  .addOption(storeOption())
  .option('--no-store', 'do not keep the runs (they train through a temporary store)')
  .option('--concurrency <n>', 'runs trained at once when this command runs the queue', intOption('--concurrency', 1, 64))
  .option('--json', 'print the results as a JSON array on stdout (the table goes to stderr)')
  .action((file: string, o: Omit<RunOpts, 'preset' | 'seed'> & SlurmCliOptions) => runSweepFile(file, o));
addExecutorOptions(runCommand);
addExecutorOptions(sweepCommand);

program
  .command('presets')
  .description('list the presets, one line each')
  .action(() => {
    process.stdout.write(formatPresetList());
  });

program
  .command('list')
  .description('list runs in the store')
  .addOption(storeOption())
  .option('--text <q>', 'search name, notes, preset and tags')
  .option('--status <s>', 'only this status (repeatable)', collect, [])
  .option('--preset <p>', 'only this preset (repeatable)', collect, [])
  .option('--tag <t>', 'only runs with this tag (repeatable)', collect, [])
  .option('--deleted', 'show deleted runs (the bin)')
  .option('--sort <col>', `sort column: ${COLUMN_ID_FORMS}`, 'createdAt')
  .option('--asc', 'ascending')
  .option('--limit <n>', 'at most this many', intOption('--limit', 1, 100_000), 50)
  .option('--metric <key>', 'metric columns (repeatable; default test/all/err and val/clean/acc)', collect, [])
  .option('--json', 'print JSON')
  .action(async (o: { store?: string; text?: string; status: string[]; preset: string[]; tag: string[]; deleted?: boolean; sort: string; asc?: boolean; limit: number; metric: string[]; json?: boolean }) => {
    await withHost(o, async (h) => {
      const metricKeys = o.metric.length ? o.metric : ['test/all/err', 'val/clean/acc'];
      // The flags are checked against the api's query schema (a bad --status or --limit gets a clear error), then the typed service runs it.
      const query = RunQuerySchema.safeParse({
        ...(o.text ? { text: o.text } : {}),
        ...(o.status.length ? { status: o.status } : {}),
        ...(o.preset.length ? { preset: o.preset } : {}),
        ...(o.tag.length ? { tag: o.tag } : {}),
        deleted: o.deleted ? 'only' : 'exclude',
        sortBy: o.sort,
        sortDir: o.asc ? 'asc' : 'desc',
        limit: o.limit,
        metricKeys,
      });
      if (!query.success) throw new Error(invalidRequestMessage('runs.list', query.error));
      const value = await h.services.runs.list(query.data);
      process.stdout.write(o.json ? JSON.stringify(value, null, 2) + '\n' : formatRunTable(value.rows, metricKeys, value.total));
    }, { readOnly: true });
  });

program
  .command('show')
  .description('one run: spec, provenance, events, latest metrics')
  .argument('<id>', 'run id or a unique prefix')
  .addOption(storeOption())
  .option('--json', 'print JSON')
  .action(async (id: string, o: { store?: string; json?: boolean }) => {
    await withHost(o, async (h) => {
      const detail = await h.services.runs.get({ id: resolveId(h.store, id) });
      const latest = h.store.getRun(detail.id).metrics;
      process.stdout.write(o.json ? JSON.stringify({ ...detail, latest }, null, 2) + '\n' : formatRunDetail(detail, latest));
    }, { readOnly: true });
  });

program
  .command('resume')
  .description('continue an interrupted, stopped or failed run from its last checkpoint, through the queue like `lrlab run`')
  .argument('<id>', 'run id or a unique prefix')
  .addOption(storeOption())
  .addOption(backendOption())
  .option('--json', 'print the result as JSON')
  .action(async (idArg: string, o: { store?: string; backend?: string; json?: boolean }) => {
    const id = await withHost(o, async (h) => resolveId(h.store, idArg));
    const outcome = await trainThroughQueue({ resumeId: id }, { store: o.store, backend: o.backend, stderr: process.stderr });
    finish(outcome, Boolean(o.json), false);
  });

program
  .command('export')
  .description('write runs to a self-contained bundle (JSON; CSV of points with --csv)')
  .argument('<ids...>', 'run ids or unique prefixes')
  .requiredOption('--out <file>', 'output file')
  .option('--csv', 'CSV of metric points instead of a JSON bundle')
  .addOption(storeOption())
  .action(async (ids: string[], o: { out: string; csv?: boolean; store?: string }) => {
    await withHost(o, async (h) => {
      const full = ids.map((i) => resolveId(h.store, i));
      const r = await h.services.runs.export({ ids: full, format: o.csv ? 'csv' : 'json' });
      const tmp = `${o.out}.part`;
      writeFileSync(tmp, r.content);
      renameSync(tmp, o.out);
      process.stderr.write(`wrote ${full.length} run(s) to ${o.out}\n`);
    });
  });

program
  .command('import')
  .description('add the runs of a bundle to the store (refuses ids that exist unless --overwrite)')
  .argument('<file>', 'bundle file written by `lrlab export` or the GUI')
  .option('--overwrite', 'replace runs whose id already exists')
  .addOption(storeOption())
  .action(async (file: string, o: { overwrite?: boolean; store?: string }) => {
    let content: string;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('it is not a regular file');
      if (st.size > MAX_BUNDLE_BYTES) throw new Error(`it has ${st.size} bytes, more than a bundle's limit of ${MAX_BUNDLE_BYTES}`);
      content = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`Cannot read ${file}: ${(e as Error).message}`);
    }
    await withHost(o, async (h) => {
      let imported: string[];
      try {
        ({ imported } = await h.services.runs.import({ content, overwrite: Boolean(o.overwrite) }));
      } catch (e) {
        throw new Error(`${file}: ${e instanceof Error ? e.message : String(e)}`);
      }
      // A bulk import names its first ids only: thousands of ids would bury the one-line answer.
      const shown = imported.slice(0, 20).join(', ');
      const more = imported.length > 20 ? `, … and ${imported.length - 20} more (\`lrlab list\` shows them)` : '';
      process.stdout.write(`imported ${imported.length} run(s): ${shown}${more}\n`);
    });
  });

program
  .command('rm')
  .description('delete runs (to the bin; `lrlab restore` undoes it; --purge deletes points and checkpoints for good)')
  .argument('<ids...>', 'run ids or unique prefixes')
  .option('--purge', 'delete for good')
  .addOption(storeOption())
  .action(async (ids: string[], o: { purge?: boolean; store?: string }) => {
    await withHost(o, async (h) => {
      const full = ids.map((i) => resolveId(h.store, i));
      const queued = full.filter((id) => h.store.getRun(id).status === 'queued');
      // A queued run is cancelled (stopped) before it is deleted; a training run is refused (runs service).
      if (o.purge) await h.services.runs.purge({ ids: full });
      else await h.services.runs.delete({ ids: full });
      if (queued.length) process.stdout.write(`cancelled first (they were queued): ${queued.join(', ')}\n`);
      process.stdout.write(`${o.purge ? 'purged' : 'deleted (restore with `lrlab restore ID`)'}: ${full.join(', ')}\n`);
    });
  });

program
  .command('restore')
  .description('bring deleted runs back from the bin')
  .argument('<ids...>', 'run ids or unique prefixes')
  .addOption(storeOption())
  .action(async (ids: string[], o: { store?: string }) => {
    await withHost(o, async (h) => {
      const full = ids.map((i) => resolveId(h.store, i));
      await h.services.runs.restore({ ids: full });
      process.stdout.write(`restored: ${full.join(', ')}\n`);
    });
  });

program
  .command('info')
  .description('version, engine backend and why faster ones were skipped, store path')
  .addOption(storeOption())
  .addOption(backendOption())
  .option('--json', 'print one JSON object')
  .action(async (opts: { store?: string; backend?: string; json?: boolean }) => {
    await withHost(opts, async (h) => {
      const info = await h.services.system.info({});
      process.stdout.write(opts.json ? JSON.stringify(info, null, 2) + '\n' : formatInfo(info));
      process.exitCode = info.backend ? 0 : 1;
    }, { readOnly: true });
  });

program
  .command('doctor')
  .description("check a store's integrity; with --salvage, copy every readable run of a damaged one into a new store")
  .addOption(storeOption())
  .option('--salvage', 'copy what is readable into a new store (the damaged file is kept unchanged)')
  .option('--out <file>', 'where --salvage writes the new store (default: beside the original, time-stamped)')
  .option('--json', 'print one JSON object')
  .action((o: { store?: string; salvage?: boolean; out?: string; json?: boolean }) => {
    const file = resolveStorePath(o.store);
    if (!existsSync(file)) throw new Error(`There is no store at ${file}. Give its path with --store FILE.`);
    const report = diagnoseStore(file);
    const salvage = o.salvage ? salvageStore(file, resolve(o.out ?? salvagePath(file))) : null;
    if (o.json) {
      process.stdout.write(JSON.stringify({ report, salvage }, null, 2) + '\n');
    } else {
      const lines = [
        `store      ${report.file} (${report.bytes} bytes, schema v${report.schemaVersion ?? '?'})`,
        `header     ${report.headerProblem ?? 'ok'}`,
        `integrity  ${report.sound ? 'ok' : report.integrity.slice(0, 10).join('\n           ')}${report.integrity.length > 10 ? `\n           … ${report.integrity.length - 10} more` : ''}`,
        `runs       ${report.runs ?? 'the runs table cannot be read'}`,
        ...(report.readNote ? [`note       ${report.readNote}`] : []),
      ];
      if (salvage) {
        lines.push(
          '',
          `salvaged   ${salvage.runs} run(s), ${salvage.points} point(s), ${salvage.events} event(s), ${salvage.figures} figure(s), ${salvage.checkpointFiles} checkpoint file(s)`,
          `into       ${salvage.to} (its check: ${salvage.check.join('; ')})`,
          ...(salvage.lost.length ? ['could not read:', ...salvage.lost.slice(0, 20).map((l) => `  - ${l}`), ...(salvage.lost.length > 20 ? [`  … ${salvage.lost.length - 20} more (--json lists all)`] : [])] : ['could not read: nothing — every row was copied']),
          `The damaged original is unchanged at ${file}. Check the copy with \`lrlab list --store ${salvage.to}\`, then use it with --store (or move it in place of the original).`,
          'Runs that were queued or running come back stopped or interrupted: resume them from there.',
        );
      } else if (!report.sound) {
        lines.push('', `LR Lab will not write to this store. Copy its readable runs into a new store: lrlab doctor --salvage --store ${file}`);
      }
      process.stdout.write(lines.join('\n') + '\n');
    }
    process.exitCode = report.sound || salvage ? 0 : 2;
  });

program
  .command('worker')
  .description('train the run in RUN_DIR (a cluster run folder) and write its progress there; Slurm tasks run this on the nodes')
  .argument('<run-dir>', 'the run folder LR Lab wrote into the cluster directory')
  .action(async (runDir: string) => {
    process.exitCode = await runClusterWorker(runDir);
  });

program
  .command('serve')
  .description('serve the workbench to a browser on 127.0.0.1 (use an SSH tunnel to reach it from another machine)')
  .addOption(storeOption())
  .addOption(backendOption())
  .option('--port <n>', `port (default ${DEFAULT_PORT}, or a free one when it is taken; 0: any free one)`, intOption('--port', 0, 65_535))
  .option('--concurrency <n>', 'runs trained at once (default: 1 on ≤ 2 cores or a GPU)', intOption('--concurrency', 1, 64))
  .action(async (opts: { store?: string; backend?: string; port?: number; concurrency?: number }) => {
    const host = await createHost({
      mode: 'browser',
      storePath: opts.store,
      backend: opts.backend,
      runQueue: true,
      ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    });
    const server = await startServer({ dispatch: host.dispatch, events: host.events, staticDir: join(appFacts().root, 'out', 'renderer'), ...(opts.port !== undefined ? { port: opts.port } : {}) });
    process.stdout.write(`LR Lab is serving ${host.storePath}\nOpen ${server.url}\n`);
    let stopping = false;
    const stop = async (signal: 'SIGINT' | 'SIGTERM') => {
      if (stopping) return;
      stopping = true;
      await server.close();
      await host.close(`\`lrlab serve\` was stopped (${signal}) while the run trained.`);
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });

registerFigureCommand(program, { storeOption, withHost, resolveId });

program
  .parseAsync(process.argv)
  .then(() => {
    // One-shot commands end here, even if the threaded wasm build keeps worker threads alive.
    if (program.args[0] !== 'serve') process.exit(process.exitCode ?? 0);
  })
  .catch((e: unknown) => {
    process.stderr.write(`lrlab: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(typeof process.exitCode === 'number' && process.exitCode !== 0 ? process.exitCode : 1);
  });
