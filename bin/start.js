#!/usr/bin/env node
// `npm start`: the Electron window where an Electron binary and a display exist; otherwise
// one line saying why, then browser mode (`lrlab serve`) on the same store.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');
const args = process.argv.slice(2);

/** The Electron executable, or the reason there is none. Never triggers electron's own download prompt. */
function electronBinary() {
  if (!existsSync(join(electronDir, 'package.json'))) return { why: 'the electron package is not installed' };
  const pathFile = join(electronDir, 'path.txt');
  const read = () => (existsSync(pathFile) ? join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null);
  let bin = read();
  if (!bin || !existsSync(bin)) {
    // Electron >= 42 fetches its binary on first launch; try once, quietly and briefly.
    const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'ignore', timeout: 180_000 });
    bin = read();
    if (r.status !== 0 || !bin || !existsSync(bin)) {
      return { why: 'no Electron binary is installed and it could not be downloaded (GitHub unreachable?)' };
    }
  }
  return { bin };
}

function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

const forceBrowser = process.env.LRLAB_BROWSER === '1' || args.includes('--browser');
const found = forceBrowser ? { why: 'browser mode was asked for' } : electronBinary();
/** The Electron-ABI build of better-sqlite3 (native/electron-<version>/), built on first start. */
function electronSqlite() {
  const version = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
  const file = join(root, 'native', `electron-${version}`, 'better_sqlite3.node');
  if (existsSync(file)) return null;
  const r = spawnSync(process.execPath, [join(root, 'bin', 'build-electron-native.js')], { stdio: 'inherit', timeout: 600_000 });
  return r.status === 0 && existsSync(file) ? null : 'better-sqlite3 could not be built for Electron (no headers or prebuilt reachable)';
}

let why = found.bin && !hasDisplay() ? 'there is no display (DISPLAY / WAYLAND_DISPLAY unset)' : found.why;
if (!why && found.bin) why = electronSqlite() ?? undefined;

if (!why && found.bin) {
  const child = spawn(found.bin, [join(root, 'out', 'main', 'main.js'), ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`LR Lab: no desktop window because ${why}; starting browser mode instead.`);
  const child = spawn(process.execPath, [join(root, 'bin', 'lrlab.js'), 'serve', ...args.filter((a) => a !== '--browser')], {
    stdio: 'inherit',
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}
