/**
 * `lrlab`: the headless door. Same host, services and store as the window and browser mode,
 * so a run launched here on a GPU server is in the store the GUI browses.
 */
import { Command, Option } from 'commander';
import { existsSync, readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHost, type Host } from '../main/host/host';
import { appFacts } from '../main/host/provenance';
import { DEFAULT_PORT, startServer } from '../main/server/server';
import { newRunInput } from '../main/training/queue';
import { resolveStorePath } from '../main/host/paths';
import { formatInfo, formatRunDetail, formatRunTable } from './format';
import { startRecording } from './record';
import { experiments } from '../../engine/experiments/registry';
import { registerFigureCommand } from './figure';
import { initBackend, requestedBackend } from '../../engine/backend';
import { formatPresetList, isSweepDocument, parseSweepSpec, readSpecFile, resolveRunSpec, resultToJson, runWithProgress, formatSweepTable, expandSweepPoints } from '../../engine/cli';
import type { CliRunResult } from '../../engine/cli/run';
import type { RunSpec } from '../../engine/spec';
import { MAX_BUNDLE_BYTES, diagnoseStore, openStore, salvagePath, salvageStore, type RunStore } from '../../storage';
import { runClusterWorker } from '../main/cluster/clusterWorker';
import { addExecutorOptions, exitCodeOf, runOnSlurm, type SlurmCliOptions } from './slurm';

const program = new Command();
program
  .name('lrlab')
  .description('LR Lab: how the initial learning rate changes what a neural network learns, and when.')
  .version(appFacts().appVersion)
  .showHelpAfterError('(run `lrlab help` for usage)');

const collect = (v: string, prev: string[]) => [...prev, v];
const storeOption = () => new Option('--store <path>', 'run store file (default: $LRLAB_STORE or the per-user data folder)').env('LRLAB_STORE');
const backendOption = () =>
  new Option('--backend <name>', 'engine backend').choices(['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']).env('LRLAB_BACKEND');

/** A host for one command (no queue): the store and the services, closed afterwards. */
async function withHost<T>(opts: { store?: string; backend?: string }, f: (h: Host) => Promise<T>, how: { readOnly?: boolean } = {}): Promise<T> {
  const host = await createHost({ mode: 'cli', storePath: opts.store, backend: opts.backend, runQueue: false, ...(how.readOnly ? { readOnly: true } : {}) });
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

/** Ctrl-C once: the run stops after its current step and is recorded as stopped. Twice: exit now. */
function stopOnSigint(): () => boolean {
  let stop = false;
  process.on('SIGINT', () => {
    if (stop) process.exit(130);
    stop = true;
    process.stderr.write('\nStopping after this step (Ctrl-C again to quit at once; the run then shows as interrupted)…\n');
  });
  return () => stop;
}

async function runOne(spec: RunSpec, opts: RunOpts, label?: string): Promise<CliRunResult & { run_id: string | null }> {
  const common = { json: Boolean(opts.json), stderr: process.stderr, ...(opts.backend ? { backend: opts.backend } : {}), ...(label ? { label } : {}) };
  if (opts.store === false) return { ...(await runWithProgress(spec, common)), run_id: null };
  const store = openStore(resolveStorePath(typeof opts.store === 'string' ? opts.store : undefined));
  try {
    const row = store.createRun(newRunInput(spec, { preset: opts.preset ?? null, groupId: opts.groupId ?? null }));
    const wanted = opts.backend ?? spec.backend;
    const backend = await initBackend({ force: requestedBackend(wanted === 'auto' ? null : wanted) });
    const memory = experiments.memory(spec, backend.name);
    if (!memory.fits) {
      store.finishRun(row.id, 'failed', { error: memory.message });
      throw new Error(memory.message);
    }
    const rec = startRecording(store, row.id, backend, { resumedFrom: null, shouldStop: opts.shouldStop });
    try {
      const result = await runWithProgress(spec, { ...common, hooks: rec.hooks });
      rec.finish(result);
      process.stderr.write(`${label ? `${label} ` : ''}recorded as run ${row.id} in ${store.file}\n`);
      return { ...result, run_id: row.id };
    } catch (e) {
      rec.fail(e);
      throw e;
    }
  } finally {
    store.close();
  }
}

interface RunOpts {
  preset?: string;
  set: string[];
  seed?: number;
  backend?: string;
  json?: boolean;
  store?: string | false;
  groupId?: string;
  shouldStop: () => boolean;
}

async function runSweepFile(file: string, opts: RunOpts & SlurmCliOptions): Promise<void> {
  const doc = readSpecFile(file);
  const sweep = parseSweepSpec({ ...doc, set: [...((doc['set'] as string[] | undefined) ?? []), ...opts.set] });
  const points = expandSweepPoints(sweep);
  if (opts.executor === 'slurm') {
    const groupId = `sweep-${Date.now().toString(36)}`;
    const results = await runOnSlurm(
      points.map((p, i) => ({ spec: p.spec, label: `[${i + 1}/${points.length} ${sweep.parameter}=${JSON.stringify(p.value)} seed=${p.seed}]`, groupId: `${groupId}-${i}` })),
      opts,
    );
    if (!results) return;
    const rows = points.map((p, i) => ({ value: p.value, seed: p.seed, result: results[i]! }));
    const table = formatSweepTable(sweep.parameter, rows);
    if (opts.json) {
      process.stderr.write(table);
      process.stdout.write(resultToJson(results) + '\n');
    } else process.stdout.write(table);
    process.exitCode = exitCodeOf(results);
    return;
  }
  const rows: { value: unknown; seed: number; result: CliRunResult }[] = [];
  const groupId = `sweep-${Date.now().toString(36)}`;
  for (const [i, p] of points.entries()) {
    if (opts.shouldStop()) break;
    const label = `[${i + 1}/${points.length} ${sweep.parameter}=${JSON.stringify(p.value)} seed=${p.seed}]`;
    rows.push({ value: p.value, seed: p.seed, result: await runOne(p.spec, { ...opts, groupId: `${groupId}-${i}` }, label) });
  }
  const table = formatSweepTable(sweep.parameter, rows);
  if (opts.json) {
    process.stderr.write(table);
    process.stdout.write(resultToJson(rows.map((r) => r.result)) + '\n');
  } else process.stdout.write(table);
}

const runCommand = program
  .command('run')
  .description('train one run (or every point of a sweep spec) and record it in the store')
  .argument('[spec]', 'run spec JSON file, or a sweep spec ({"kind": "sweep", ...})')
  .option('--preset <name>', 'start from a preset (`lrlab presets`)')
  .option('--set <path=value>', 'override a spec field, e.g. --set data.d=128 (repeatable)', collect, [])
  .option('--seed <n>', 'seed', (v) => Number.parseInt(v, 10))
  .addOption(backendOption())
  .addOption(storeOption())
  .option('--no-store', 'do not record the run')
  .option('--json', 'print the result as one JSON object on stdout (progress stays on stderr)')
  .action(async (file: string | undefined, o: Omit<RunOpts, 'shouldStop'> & SlurmCliOptions) => {
    const opts: RunOpts & SlurmCliOptions = { ...o, shouldStop: stopOnSigint() };
    if (!file && !opts.preset) throw new Error('Give a spec file or --preset NAME (`lrlab presets` lists them).');
    if (file && isSweepDocument(readSpecFile(file))) return runSweepFile(file, opts);
    const spec = resolveRunSpec({
      ...(opts.preset !== undefined ? { preset: opts.preset } : {}),
      ...(file !== undefined ? { specFile: file } : {}),
      set: opts.set,
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.backend !== undefined ? { backend: opts.backend } : {}),
    });
    if (opts.executor === 'slurm') {
      const results = await runOnSlurm([{ spec, label: `[${spec.name ?? spec.kind} s${spec.seed}]`, preset: opts.preset ?? null }], opts);
      if (!results) return;
      const r = results[0]!;
      if (opts.json) process.stdout.write(resultToJson(r) + '\n');
      else process.stdout.write(`${r.run_status} after ${r.steps} steps (${r.stop_reason}); run ${r.run_id}\n`);
      process.exitCode = exitCodeOf(results);
      return;
    }
    const result = await runOne(spec, opts);
    if (opts.json) process.stdout.write(resultToJson(result) + '\n');
    else process.stdout.write(`${result.status} after ${result.steps} steps (${result.stop_reason})${result.run_id ? `; run ${result.run_id}` : ''}\n`);
    if (result.status === 'diverged') process.exitCode = 3;
  });

const sweepCommand = program
  .command('sweep')
  .description('run every point of a sweep spec (one parameter over a list × seeds) and print a table')
  .argument('<file>', 'sweep spec JSON file')
  .option('--set <path=value>', 'override a base-spec field for every point (repeatable)', collect, [])
  .addOption(backendOption())
  .addOption(storeOption())
  .option('--no-store', 'do not record the runs')
  .option('--json', 'print the results as a JSON array on stdout (the table goes to stderr)')
  .action((file: string, o: Omit<RunOpts, 'shouldStop'> & SlurmCliOptions) => runSweepFile(file, { ...o, shouldStop: stopOnSigint() }));
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
  .option('--sort <col>', 'sort column, or metric:<key>:last|min|max', 'createdAt')
  .option('--asc', 'ascending')
  .option('--limit <n>', 'at most this many', (v) => Number.parseInt(v, 10), 50)
  .option('--metric <key>', 'metric columns (repeatable; default test/all/err and val/clean/acc)', collect, [])
  .option('--json', 'print JSON')
  .action(async (o: { store?: string; text?: string; status: string[]; preset: string[]; tag: string[]; deleted?: boolean; sort: string; asc?: boolean; limit: number; metric: string[]; json?: boolean }) => {
    await withHost(o, async (h) => {
      const metricKeys = o.metric.length ? o.metric : ['test/all/err', 'val/clean/acc'];
      const r = await h.dispatch('runs.list', {
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
      if (!r.ok) throw new Error(r.error.message);
      const value = r.value as { total: number; rows: Parameters<typeof formatRunTable>[0] };
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
      const r = await h.dispatch('runs.get', { id: resolveId(h.store, id) });
      if (!r.ok) throw new Error(r.error.message);
      const detail = r.value as Parameters<typeof formatRunDetail>[0];
      const latest = h.store.getRun(detail.id).metrics;
      process.stdout.write(o.json ? JSON.stringify({ ...detail, latest }, null, 2) + '\n' : formatRunDetail(detail, latest));
    }, { readOnly: true });
  });

program
  .command('resume')
  .description('continue an interrupted or stopped run from its last checkpoint, in this process')
  .argument('<id>', 'run id or a unique prefix')
  .addOption(storeOption())
  .addOption(backendOption())
  .option('--json', 'print the result as JSON')
  .action(async (idArg: string, o: { store?: string; backend?: string; json?: boolean }) => {
    const shouldStop = stopOnSigint();
    const store = openStore(resolveStorePath(o.store));
    try {
      const id = resolveId(store, idArg);
      const run = store.getRun(id);
      if (run.status !== 'interrupted' && run.status !== 'stopped') throw new Error(`Run ${id} is ${run.status}; only interrupted or stopped runs can be resumed.`);
      const spec = resolveRunSpec({ specInput: run.spec as Record<string, unknown> });
      const ckpt = await store.latestCheckpoint(id);
      store.truncateMetrics(id, ckpt ? ckpt.step : -1);
      const wanted = o.backend ?? spec.backend;
      const backend = await initBackend({ force: requestedBackend(wanted === 'auto' ? null : wanted) });
      process.stderr.write(ckpt ? `Resuming ${id} from step ${ckpt.step}\n` : `Run ${id} has no checkpoint: starting it again from step 0\n`);
      const rec = startRecording(store, id, backend, { resumedFrom: ckpt?.step ?? null, shouldStop });
      try {
        const result = await runWithProgress(spec, { json: Boolean(o.json), stderr: process.stderr, hooks: rec.hooks, ...(o.backend ? { backend: o.backend } : {}), ...(ckpt ? { resumeFrom: ckpt } : {}) });
        rec.finish(result);
        process.stdout.write(o.json ? resultToJson({ ...result, run_id: id } as CliRunResult) + '\n' : `${result.status} after ${result.steps} steps; run ${id}\n`);
      } catch (e) {
        rec.fail(e);
        throw e;
      }
    } finally {
      store.close();
    }
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
      const r = await h.dispatch('runs.export', { ids: full, format: o.csv ? 'csv' : 'json' });
      if (!r.ok) throw new Error(r.error.message);
      const tmp = `${o.out}.part`;
      writeFileSync(tmp, (r.value as { content: string }).content);
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
      const r = await h.dispatch('runs.import', { content, overwrite: Boolean(o.overwrite) });
      if (!r.ok) throw new Error(`${file}: ${r.error.message}`);
      const imported = (r.value as { imported: string[] }).imported;
      process.stdout.write(`imported ${imported.length} run(s): ${imported.join(', ')}\n`);
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
      const r = await h.dispatch(o.purge ? 'runs.purge' : 'runs.delete', { ids: full });
      if (!r.ok) throw new Error(r.error.message);
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
      const r = await h.dispatch('runs.restore', { ids: full });
      if (!r.ok) throw new Error(r.error.message);
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
  .option('--port <n>', `port (default ${DEFAULT_PORT}, or a free one when it is taken; 0: any free one)`, (v) => Number.parseInt(v, 10))
  .option('--concurrency <n>', 'runs trained at once (default: 1 on ≤ 2 cores or a GPU)', (v) => Number.parseInt(v, 10))
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
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await server.close();
      await host.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
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
