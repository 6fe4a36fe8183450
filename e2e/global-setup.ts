/**
 * Starts `lrlab serve` on a fresh temporary store for the whole e2e run and publishes its
 * tokened URL to the tests as LRLAB_E2E_URL. Returns the teardown.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync('out/main/cli.js') || !existsSync('out/renderer/index.html')) {
    throw new Error('LR Lab is not built: run `npm run build` before the e2e tests (npm test does it).');
  }
  const chromium = process.env['LRLAB_CHROMIUM'] ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    throw new Error(`No Chromium at ${chromium}: install Debian's (apt-get install -y chromium) or set LRLAB_CHROMIUM.`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'lrlab-e2e-'));
  const child = spawn(process.execPath, ['bin/lrlab.js', 'serve', '--store', join(dir, 'runs.sqlite')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LRLAB_HOME: dir },
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lrlab serve did not print its URL within 60 s:\n${log}`)), 60_000);
    const onData = (b: Buffer) => {
      log += b.toString();
      const m = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(log);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`lrlab serve exited with ${code}:\n${log}`)));
  });
  process.env['LRLAB_E2E_URL'] = url;
  process.env['LRLAB_E2E_STORE'] = join(dir, 'runs.sqlite');
  return async () => {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    rmSync(dir, { recursive: true, force: true });
  };
}
