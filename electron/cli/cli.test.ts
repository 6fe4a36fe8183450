/** The `lrlab` command end to end on a temporary store (run from source through tsx). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
let dir: string;
let store: string;

async function lrlab(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await exec(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', ...args], {
      env: { ...process.env, LRLAB_HOME: dir, LRLAB_STORE: store, LRLAB_BACKEND: 'wasm' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { ...r, code: 0 };
  } catch (e) {
    const x = e as { stdout: string; stderr: string; code: number };
    return { stdout: x.stdout, stderr: x.stderr, code: x.code };
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

  it('run --json records into the store; list, show, export and import work on it', async () => {
    const r = await lrlab('run', join(dir, 'tiny.json'), '--set', 'model.width=24', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { status: string; steps: number; backend: string; spec: { model: { width: number } }; final: Record<string, number>; run_id: string; anneal_step: null };
    expect(out).toMatchObject({ status: 'completed', steps: 40, backend: 'wasm', anneal_step: null });
    expect(out.spec.model.width).toBe(24);
    expect(out.final['test/p_only/err']).toBeGreaterThanOrEqual(0);
    expect(r.stderr).toMatch(/recorded as run/);

    const list = JSON.parse((await lrlab('list', '--json')).stdout) as { total: number; rows: { id: string; status: string }[] };
    expect(list.rows.map((x) => x.id)).toContain(out.run_id);

    const show = await lrlab('show', out.run_id.slice(0, 8));
    expect(show.stdout).toContain(out.run_id);
    expect(show.stdout).toMatch(/test\/p_only\/err/);

    const bundle = join(dir, 'b.json');
    expect((await lrlab('export', out.run_id, '--out', bundle)).code).toBe(0);
    const dup = await lrlab('import', bundle);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toMatch(/already in/);
    expect((await lrlab('rm', out.run_id, '--purge')).code).toBe(0);
    const again = await lrlab('import', bundle);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(out.run_id);
  }, 120_000);

  it('names every problem of a bad spec and exits non-zero', async () => {
    const r = await lrlab('run', join(dir, 'tiny.json'), '--set', 'data.d=-4', '--set', 'model.width=0', '--no-store');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/data\.d/);
    expect(r.stderr).toMatch(/model\.width/);
  }, 60_000);
});
