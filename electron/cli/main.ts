/**
 * `lrlab`: the headless door. Same host and services as the window and browser mode, so a
 * run launched here on a GPU server is in the same store the GUI browses.
 */
import { Command, Option } from 'commander';
import { join } from 'node:path';
import { createHost } from '../main/host/host';
import { appFacts } from '../main/host/provenance';
import { startServer } from '../main/server/server';
import { formatInfo } from './format';

const program = new Command();
program
  .name('lrlab')
  .description('LR Lab: how the initial learning rate changes what a neural network learns, and when.')
  .version(appFacts().appVersion)
  .showHelpAfterError('(run `lrlab help` for usage)');

const storeOption = () => new Option('--store <path>', 'run store file (default: $LRLAB_STORE or the per-user data folder)').env('LRLAB_STORE');
const backendOption = () =>
  new Option('--backend <name>', 'engine backend').choices(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).env('LRLAB_BACKEND');

program
  .command('info')
  .description('version, engine backend and why faster ones were skipped, store path')
  .addOption(storeOption())
  .addOption(backendOption())
  .option('--json', 'print one JSON object')
  .action(async (opts: { store?: string; backend?: string; json?: boolean }) => {
    const host = await createHost({ mode: 'cli', storePath: opts.store, backend: opts.backend });
    const info = await host.services.system.info({});
    await host.close();
    process.stdout.write(opts.json ? JSON.stringify(info, null, 2) + '\n' : formatInfo(info));
    process.exitCode = info.backend ? 0 : 1;
  });

program
  .command('serve')
  .description('serve the workbench to a browser on 127.0.0.1 (use an SSH tunnel to reach it from another machine)')
  .addOption(storeOption())
  .addOption(backendOption())
  .option('--port <n>', 'port (default: a free one)', (v) => Number.parseInt(v, 10), 0)
  .action(async (opts: { store?: string; backend?: string; port: number }) => {
    const host = await createHost({ mode: 'browser', storePath: opts.store, backend: opts.backend });
    const server = await startServer({
      dispatch: host.dispatch,
      events: host.events,
      staticDir: join(appFacts().root, 'out', 'renderer'),
      port: opts.port,
    });
    process.stdout.write(`LR Lab is serving ${host.storePath}\nOpen ${server.url}\n`);
    const stop = async () => {
      await server.close();
      await host.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`lrlab: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = process.exitCode || 1;
});
