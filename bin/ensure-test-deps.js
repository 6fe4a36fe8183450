#!/usr/bin/env node
// Before `npm test`: the system packages the tests need. Debian's Chromium (Playwright drives
// it; no browser download), Debian's Fashion-MNIST (real images for the image engine) and
// oneDNN (the engine's native kernels; built here if `npm install` ran before it existed), and
// on Linux a software Vulkan driver for the webgpu tests (bin/setup-lavapipe.js: libvulkan1,
// and Mesa's lavapipe from bookworm-backports unpacked into LR Lab's own folder).
// As root with apt-get available, installs what is missing; otherwise says what to install.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const needs = [
  { pkg: 'chromium', path: process.env.LRLAB_CHROMIUM ?? '/usr/bin/chromium', why: 'the e2e tests drive it' },
  { pkg: 'dataset-fashion-mnist', path: '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz', why: 'real images for the image-experiment tests' },
  { pkg: 'libdnnl-dev', path: '/usr/include/oneapi/dnnl/dnnl.hpp', why: "the engine's oneDNN kernels are tested" },
];
const missing = needs.filter((n) => !existsSync(n.path));
/** Builds the oneDNN kernels when they are not built yet (npm install may have run before oneDNN was installed). */
function buildKernels() {
  const addon = new URL('../engine/kernels/onednn/build/Release/lrlab_onednn.node', import.meta.url);
  if (existsSync(addon) || !existsSync('/usr/include/oneapi/dnnl/dnnl.hpp')) return;
  // Before the first install (CI runs this first), npm install's postinstall builds them.
  if (!existsSync(new URL('../node_modules', import.meta.url))) return;
  spawnSync(process.execPath, [new URL('./build-native-kernels.js', import.meta.url).pathname], { stdio: 'inherit' });
}
/** The webgpu tests' software Vulkan driver (Linux only; a no-op when it is already there). */
function setupLavapipe() {
  if (process.platform !== 'linux') return true;
  const script = new URL('./setup-lavapipe.js', import.meta.url).pathname;
  if (spawnSync(process.execPath, [script, '--check', '--quiet'], { stdio: 'ignore' }).status === 0) return true;
  const r = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (r.status === 0) return true;
  // Outside CI the webgpu tests then skip, each saying why; under CI=true they would fail anyway.
  console.error(`The webgpu tests need a Vulkan driver: npm run setup:lavapipe failed (see above)${process.env.CI === 'true' ? '.' : '; they will be skipped.'}`);
  return process.env.CI !== 'true';
}
if (missing.length === 0) {
  buildKernels();
  process.exit(setupLavapipe() ? 0 : 1);
}

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
buildKernels();
if (!setupLavapipe()) process.exit(1);
