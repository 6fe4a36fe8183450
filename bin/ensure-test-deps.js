#!/usr/bin/env node
// Before `npm test`: the system packages the tests need. Debian's Chromium (Playwright drives
// it; no browser download) and Debian's Fashion-MNIST (real images for the image engine).
// As root with apt-get available, installs what is missing; otherwise says what to install.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const needs = [
  { pkg: 'chromium', path: process.env.LRLAB_CHROMIUM ?? '/usr/bin/chromium', why: 'the e2e tests drive it' },
  { pkg: 'dataset-fashion-mnist', path: '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz', why: 'real images for the image-experiment tests' },
];
const missing = needs.filter((n) => !existsSync(n.path));
if (missing.length === 0) process.exit(0);

const names = missing.map((m) => m.pkg);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt || process.env.LRLAB_NO_APT === '1') {
  for (const m of missing) console.error(`missing ${m.path} (${m.why})`);
  console.error(`Install them first: sudo apt-get install -y ${names.join(' ')}`);
  process.exit(1);
}
console.log(`Installing ${names.join(', ')} with apt-get (needed by the tests)…`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], { stdio: 'inherit', env });
if (update.status !== 0 || install.status !== 0) {
  console.error(`apt-get could not install ${names.join(' ')}; install them by hand and run npm test again.`);
  process.exit(1);
}
