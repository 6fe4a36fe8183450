import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHostLog, logFilePath } from './log';
import { createHost } from './host';

const dirs: string[] = [];
const savedHome = process.env['LRLAB_HOME'];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  if (savedHome === undefined) delete process.env['LRLAB_HOME'];
  else process.env['LRLAB_HOME'] = savedHome;
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'lrlab-log-'));
  dirs.push(d);
  return d;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the host log', () => {
  it('writes one JSON record per line into <data>/logs/lrlab.log', async () => {
    const dir = tmp();
    const log = createHostLog(dir, { stderr: false, base: { mode: 'browser' } });
    expect(log.file).toBe(logFilePath(dir));
    log('queue started');
    log.error('run x failed: boom');
    await log.close();
    const records = readFileSync(join(dir, 'logs', 'lrlab.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => [r['level'], r['msg'], r['mode']])).toEqual([
      [30, 'queue started', 'browser'],
      [50, 'run x failed: boom', 'browser'],
    ]);
    expect(records[0]?.['time']).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('rotates by size and keeps a bounded number of old files', async () => {
    const dir = tmp();
    const log = createHostLog(dir, { stderr: false, maxBytes: 2048, keepFiles: 2 });
    for (let i = 0; i < 120; i++) {
      log(`line ${i} ${'x'.repeat(100)}`);
      if (i % 10 === 9) await sleep(20); // rotation happens between writes
    }
    await log.close();
    const files = readdirSync(join(dir, 'logs'));
    expect(files).toContain('lrlab.log');
    expect(files.length).toBeGreaterThan(1); // it rotated
    expect(files.sort()).toEqual(['lrlab.log', 'lrlab.log.1', 'lrlab.log.2']); // the live file + 2 old ones
  });

  it('never stops the host when the data folder cannot hold a log (stderr only)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'blocker'), 'x');
    const log = createHostLog(join(dir, 'blocker'), { stderr: false });
    expect(log.file).toBeNull();
    expect(() => log('still fine')).not.toThrow();
    await log.close();
  });

  it('`lrlab serve`/the window write it in the data folder, and system.info says where', async () => {
    const home = tmp();
    process.env['LRLAB_HOME'] = home;
    const h = await createHost({ mode: 'browser', storePath: join(home, 'runs.sqlite'), runQueue: false });
    const info = await h.services.system.info({});
    await h.close();
    expect(info.logFile).toBe(join(home, 'logs', 'lrlab.log'));
    expect(existsSync(info.logFile)).toBe(true);
    expect(readFileSync(info.logFile, 'utf8')).toMatch(/"msg":"LR Lab browser host started/);
  });
});
