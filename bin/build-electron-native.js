#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into native/electron-<version>/ without touching
// node_modules' own build, which Node (tests, CLI, browser mode) keeps using. The Electron
// main process loads this copy through better-sqlite3's `nativeBinding` option.
// Needs Electron's headers (or a prebuilt) from the network; says so when it cannot get them.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
const target = join(root, 'native', `electron-${electronVersion}`, 'better_sqlite3.node');
if (existsSync(target) && !process.argv.includes('--force')) {
  console.log(`Electron build of better-sqlite3 already at ${target}`);
  process.exit(0);
}
const work = mkdtempSync(join(tmpdir(), 'lrlab-bs3-'));
const pkg = join(work, 'better-sqlite3');
cpSync(join(root, 'node_modules', 'better-sqlite3'), pkg, { recursive: true, filter: (p) => !p.includes(`${join('better-sqlite3', 'build')}`) });
const env = {
  ...process.env,
  npm_config_runtime: 'electron',
  npm_config_target: electronVersion,
  npm_config_disturl: 'https://electronjs.org/headers',
  npm_config_arch: process.arch,
  npm_config_target_arch: process.arch,
};
console.log(`Building better-sqlite3 for Electron ${electronVersion}…`);
const r = spawnSync('npm', ['run', 'install', '--ignore-scripts=false'], { cwd: pkg, env, stdio: 'inherit' });
const built = join(pkg, 'build', 'Release', 'better_sqlite3.node');
if (r.status !== 0 || !existsSync(built)) {
  rmSync(work, { recursive: true, force: true });
  console.error('Could not build better-sqlite3 for Electron (it needs Electron headers or a prebuilt binary from the network). Browser mode (`npx lrlab serve`) works without it.');
  process.exit(1);
}
mkdirSync(dirname(target), { recursive: true });
copyFileSync(built, target);
rmSync(work, { recursive: true, force: true });
console.log(`Electron build of better-sqlite3: ${target}`);
