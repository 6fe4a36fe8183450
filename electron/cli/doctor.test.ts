/**
 * Issue 14 items 1–3 through the `lrlab` command: a damaged store is refused and left
 * byte-identical, `lrlab doctor` reports and salvages, read-only commands work on a read-only
 * store, and an empty file is not silently made a store.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { goodStore, scribble } from '../../storage/test-fixtures/damage';
import { readOnlyFolder } from '../../storage/test-fixtures/mounts';

const exec = promisify(execFile);
let dir: string;
const releases: (() => void)[] = [];

async function lrlab(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await exec(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', ...args], {
      env: { ...process.env, LRLAB_HOME: dir, LRLAB_STORE: '', LRLAB_BACKEND: 'cpu' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { ...r, code: 0 };
  } catch (e) {
    const x = e as { stdout: string; stderr: string; code: number };
    return { stdout: x.stdout, stderr: x.stderr, code: x.code };
  }
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lrlab-doctor-'));
});
afterEach(() => {
  for (const r of releases.splice(0).reverse()) r();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lrlab on a damaged store', () => {
  it('run refuses it, adds no run and leaves the file byte-identical; doctor reports and salvages', async () => {
    const file = join(dir, 'damaged.sqlite');
    goodStore(file);
    scribble(file);
    const before = sha(file);
    const run = await lrlab('run', '--preset', 'toy-s', '--seed', '1', '--store', file);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/is damaged.*did not change it and will not write to it.*lrlab doctor/);
    expect(sha(file)).toBe(before);

    const report = await lrlab('doctor', '--store', file);
    expect(report.code).toBe(2);
    expect(report.stdout).toMatch(/integrity +(?!ok)/);
    expect(report.stdout).toMatch(/lrlab doctor --salvage/);

    const out = join(dir, 'salvaged.sqlite');
    const salvage = await lrlab('doctor', '--store', file, '--salvage', '--out', out, '--json');
    expect(salvage.code).toBe(0);
    const s = JSON.parse(salvage.stdout) as { salvage: { runs: number; points: number; check: string[]; lost: string[] } };
    expect(s.salvage.runs).toBe(3);
    expect(s.salvage.check).toEqual(['ok']);
    // 3 runs × 2 keys × 2 000 points, less what sat on the two scribbled pages
    expect(s.salvage.points).toBeGreaterThan(12_000 - 1500);
    expect(s.salvage.points).toBeLessThanOrEqual(12_000);
    expect(sha(file)).toBe(before);
    const list = await lrlab('list', '--store', out, '--json');
    expect((JSON.parse(list.stdout) as { total: number }).total).toBe(3);
  }, 120_000);
});

describe('read-only commands', () => {
  it('list, show and info work on a store on a read-only file system', async (ctx) => {
    const ro = readOnlyFolder(dir, (d) => goodStore(join(d, 'runs.sqlite'), 1));
    if (!ro) return ctx.skip('cannot make a read-only folder here');
    releases.push(ro.release);
    const file = join(ro.dir, 'runs.sqlite');
    const list = await lrlab('list', '--store', file, '--json');
    expect(list.code).toBe(0);
    expect(list.stderr).toMatch(/^(SQLite could not open .* so it was read from a copy in memory\n)?$/);
    expect((JSON.parse(list.stdout) as { total: number }).total).toBe(1);
    expect((await lrlab('show', 'keep-0', '--store', file)).stdout).toContain('keep-0');
    const info = await lrlab('info', '--store', file, '--json');
    expect((JSON.parse(info.stdout) as { storePath: string }).storePath).toBe(file);
  }, 120_000);
});

describe('an empty file as --store', () => {
  it('is refused with what to do, and stays empty', async () => {
    const file = join(dir, 'typo.sqlite');
    writeFileSync(file, '');
    const r = await lrlab('list', '--store', file);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/empty file \(0 bytes\), not an LR Lab store/);
    expect(readFileSync(file).length).toBe(0);
    expect(existsSync(`${file}-wal`)).toBe(false);
  }, 60_000);
});
