/** The `lrlab` command end to end on a temporary store (run from source through tsx). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openStore } from '../../storage';
import { createHost } from '../main/host/host';
import { until } from '../test-support/until';

const exec = promisify(execFile);
let dir: string;
let store: string;

const env = () => ({ ...process.env, LRLAB_HOME: dir, LRLAB_STORE: store, LRLAB_BACKEND: 'wasm' });

async function lrlab(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await exec(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', ...args], { env: env(), maxBuffer: 64 * 1024 * 1024 });
    return { ...r, code: 0 };
  } catch (e) {
    const x = e as { stdout: string; stderr: string; code: number };
    return { stdout: x.stdout, stderr: x.stderr, code: x.code };
  }
}

/** Starts `lrlab ARGS` in the background; `exited` gives its code (or signal) and output. */
function lrlabBackground(...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exited, output: () => stderr };
}

/** The store's only run matching `seed` (each test uses its own seed), read without recovering anything. */
function runWithSeed(seed: number) {
  const s = openStore(store, { recoverInterrupted: false });
  try {
    const row = s.listRuns({ limit: 1000 }).rows.find((r) => r.seed === seed);
    return row ? s.getRun(row.id) : null;
  } finally {
    s.close();
  }
}

const tiny = {
  kind: 'synthetic',
  seed: 3,
  data: { d: 16, N: 64, testSize: 200 },
  model: { width: 32 },
  algorithm: { name: 'S', eta2: 0.05, eps2prime: 1e-9 },
  init: { tau0: 0.05 },
  stopping: { maxIterations: 40 },
  logging: { every: 10, checkpointEvery: 20 },
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lrlab-cli-'));
  store = join(dir, 'runs.sqlite');
  writeFileSync(join(dir, 'tiny.json'), JSON.stringify(tiny));
  writeFileSync(join(dir, 'long.json'), JSON.stringify({ ...tiny, stopping: { maxIterations: 100_000 }, logging: { every: 10, checkpointEvery: 100 } }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lrlab', () => {
  it('info --json reports the backend, why faster ones were skipped, and the store', async () => {
    const r = await lrlab('info', '--json');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as { backend: { name: string; skipped: unknown[] }; storePath: string };
    expect(info.backend.name).toBe('wasm');
    expect(info.storePath).toBe(store);
  });

  it('info --json --backend webgpu reports the adapter it forced: description, vendor, limits, and when it is LR Lab\'s lavapipe, that and its ICD file', async (ctx) => {
    const r = await lrlab('info', '--json', '--backend', 'webgpu');
    const info = JSON.parse(r.stdout) as {
      backend: { name: string; forced: boolean; summary: string; adapter: { description: string; vendor: string; software: boolean; driver: string; icd: string | null; limits: Record<string, number> } | null } | null;
      backendError: string | null;
    };
    if (info.backend === null) {
      // No adapter here (no GPU, no lavapipe): skip with the CLI's reason, but never under CI.
      if (process.env['CI'] === 'true') throw new Error(`webgpu must work under CI=true (npm run setup:lavapipe): ${info.backendError ?? r.stderr}`);
      ctx.skip(`no webgpu adapter: ${info.backendError ?? r.stderr}`);
      return;
    }
    expect(r.code).toBe(0);
    expect(info.backend.name).toBe('webgpu');
    expect(info.backend.forced).toBe(true);
    const a = info.backend.adapter!;
    expect(a.description.length).toBeGreaterThan(0);
    expect(info.backend.summary).toContain(a.description);
    expect(a.limits['maxStorageBufferBindingSize']).toBeGreaterThan(2 ** 20);
    if (a.driver === 'lrlab-lavapipe') {
      expect(a.software).toBe(true);
      expect(a.icd).toMatch(/lvp_icd\.json$/);
      expect(info.backend.summary).toContain("LR Lab's lavapipe");
    }
    // The human form says the same.
    const text = await lrlab('info', '--backend', 'webgpu');
    expect(text.stdout).toContain(a.description);
  });

  it('run --json trains in a worker process through the queue and records it; list, show, export and import work on it', async () => {
    const r = await lrlab('run', join(dir, 'tiny.json'), '--set', 'model.width=24', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      runId: string;
      status: string;
      steps: number;
      backend: string;
      annealStep: null;
      spec: { model: { width: number } };
      final: Record<string, number>;
      provenance: Record<string, string>;
    };
    expect(out).toMatchObject({ status: 'completed', steps: 40, backend: 'wasm', annealStep: null });
    expect(out.spec.model.width).toBe(24);
    expect(out.final['test/all/err']).toBeGreaterThanOrEqual(0);
    // Trained by the queue's worker process, not in the CLI's own process.
    expect(out.provenance['executor']).toBe('local');
    expect(out.provenance['worker pid']).toMatch(/^\d+$/);
    expect(r.stderr).toMatch(/recorded in/);

    const list = JSON.parse((await lrlab('list', '--json')).stdout) as { total: number; rows: { id: string; status: string }[] };
    expect(list.rows.map((x) => x.id)).toContain(out.runId);

    const show = await lrlab('show', out.runId.slice(0, 8));
    expect(show.stdout).toContain(out.runId);
    expect(show.stdout).toMatch(/worker pid/);

    const bundle = join(dir, 'b.json');
    expect((await lrlab('export', out.runId, '--out', bundle)).code).toBe(0);
    const dup = await lrlab('import', bundle);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toMatch(/already in/);
    expect((await lrlab('rm', out.runId, '--purge')).code).toBe(0);
    const again = await lrlab('import', bundle);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(out.runId);
  }, 120_000);

  it('--no-store trains through a temporary store and keeps nothing', async () => {
    const before = runWithSeed(11);
    expect(before).toBeNull();
    const r = await lrlab('run', join(dir, 'tiny.json'), '--seed', '11', '--no-store', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ runId: null, status: 'completed', steps: 40 });
    expect(runWithSeed(11)).toBeNull();
  }, 120_000);

  it('names every problem of a bad spec and exits non-zero', async () => {
    const r = await lrlab('run', join(dir, 'tiny.json'), '--set', 'data.d=-4', '--set', 'model.width=0', '--no-store');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/data\.d/);
    expect(r.stderr).toMatch(/model\.width/);
  }, 120_000);

  it('refuses a spec file with a misspelt key (issue 14 item 7): exit non-zero, the path named, nothing trained', async () => {
    const bad = join(dir, 'typo.json');
    writeFileSync(bad, JSON.stringify({ ...tiny, model: { ...tiny.model, widht: 64 } }));
    const r = await lrlab('run', bad, '--no-store');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/model\.widht: unknown field "widht" in model/);
    expect(r.stderr).toMatch(/fields here are patches, variant, width/);
    const sweep = join(dir, 'typo-sweep.json');
    writeFileSync(sweep, JSON.stringify({ kind: 'sweep', base: tiny, parameter: 'model.width', values: [8], seeds: [1], seed: 3 }));
    const s = await lrlab('sweep', sweep, '--no-store');
    expect(s.code).not.toBe(0);
    expect(s.stderr).toMatch(/seed: unknown field "seed"/);
  }, 120_000);

  it('parses numeric options strictly and echoes what was typed', async () => {
    for (const bad of ['1e40', '2.7']) {
      const r = await lrlab('run', join(dir, 'tiny.json'), '--seed', bad, '--no-store');
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`"${bad}"`);
    }
    const limit = await lrlab('list', '--limit', '5.5');
    expect(limit.code).not.toBe(0);
    expect(limit.stderr).toContain('"5.5"');
  }, 120_000);

  it('kill -9 of the CLI mid-run leaves the run interrupted; `lrlab resume` finishes it through the queue', async () => {
    const long = join(dir, 'resumable.json');
    writeFileSync(long, JSON.stringify({ ...tiny, seed: 21, stopping: { maxIterations: 600 }, logging: { every: 10, checkpointEvery: 100 } }));
    const bg = lrlabBackground('run', long);
    const mid = await until('a checkpoint', () => {
      const r = runWithSeed(21);
      return r && r.checkpoints.length > 0 && r.status === 'running' ? r : null;
    });
    bg.child.kill('SIGKILL');
    await bg.exited;
    const show = JSON.parse((await lrlab('show', mid.id, '--json')).stdout) as { status: string };
    expect(show.status).toBe('interrupted');

    const r = await lrlab('resume', mid.id, '--json');
    expect(r.stderr).toMatch(/Resuming .* from step \d+/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ runId: mid.id, status: 'completed', steps: 600 });
    const s = openStore(store, { recoverInterrupted: false });
    try {
      const series = s.getSeries({ runIds: [mid.id], keys: ['train/loss'], withWallTimes: true })[0]!;
      expect(series.steps).toEqual(Array.from({ length: 61 }, (_, i) => i * 10));
      const walls = series.wallTimes!.map(Number);
      for (let i = 1; i < walls.length; i++) expect(walls[i]!).toBeGreaterThanOrEqual(walls[i - 1]!);
    } finally {
      s.close();
    }
  }, 180_000);

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} stops a CLI run cleanly: the run ends stopped and the CLI exits ${code}`, async () => {
      const seed = signal === 'SIGINT' ? 31 : 32;
      const bg = lrlabBackground('run', join(dir, 'long.json'), '--seed', String(seed));
      await until('the run training', () => {
        const r = runWithSeed(seed);
        return r && r.status === 'running' && r.metrics.length > 0;
      });
      bg.child.kill(signal);
      const end = await bg.exited;
      expect(end.code).toBe(code);
      // The message starts on its own line (not over a progress line).
      expect(end.stderr).toMatch(new RegExp(`\\nStopping after this step \\(${signal}`));
      const run = runWithSeed(seed)!;
      expect(run.status).toBe('stopped');
      expect(run.metrics.length).toBeGreaterThan(0);
    }, 120_000);
  }

  it('hands its run to the host that owns the queue, says who, and follows it to the end', async () => {
    const host = await createHost({ mode: 'browser', storePath: store, runQueue: true, concurrency: 1, log: () => {} });
    try {
      expect(host.queue.ownsQueue).toBe(true);
      const r = await lrlab('run', join(dir, 'tiny.json'), '--seed', '41', '--json');
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`run queue of .* is owned by .*pid ${process.pid}`));
      const out = JSON.parse(r.stdout) as { status: string; runId: string; provenance: Record<string, string> };
      expect(out.status).toBe('completed');
      // The owner's queue trained it: its worker, recorded by the owner (this process).
      expect(host.store.getRun(out.runId).pid).toBe(process.pid);
    } finally {
      await host.close();
    }
  }, 120_000);
});
