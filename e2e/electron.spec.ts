import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

// The same app through Playwright's Electron support, where an Electron binary exists.
function electronBinary(): string | null {
  const pathFile = join('node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join('node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const bin = electronBinary();
const display = process.platform !== 'linux' || Boolean(process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY']);

test('the Electron window loads and shows the engine backend', async () => {
  test.skip(!bin, 'no Electron binary on this machine (it downloads from GitHub on first launch, unreachable here)');
  test.skip(!display, 'no display for an Electron window (DISPLAY / WAYLAND_DISPLAY unset)');
  const app = await electron.launch({ executablePath: bin ?? undefined, args: ['out/main/main.js', '--store', join(process.env['LRLAB_HOME'] ?? '.', 'e2e-electron.sqlite')] });
  const win = await app.firstWindow();
  await expect(win.getByTestId('backend')).toContainText(/Engine: /);
  await app.close();
});
