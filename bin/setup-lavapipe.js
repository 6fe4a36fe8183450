#!/usr/bin/env node
// `npm run setup:lavapipe`: a software Vulkan driver (Mesa's lavapipe) in a folder of LR Lab's
// own, so the webgpu backend can run (slowly, but exactly) on a machine without a GPU: CI's
// webgpu tests, and `--backend webgpu` for anyone who wants to try it. The system stays as it
// is: nothing is written to /etc/apt, and the driver is unpacked (`dpkg-deb -x`), not installed.
//
// Why backports: Debian 12's own lavapipe (Mesa 22.3) lacks a Vulkan feature Dawn requires
// ("shaderUniform*ArrayDynamicIndexing"); bookworm-backports' Mesa 25 has it. It is fetched with
// a private apt configuration (its own sources list, lists and cache under the folder).
//
// Steps (each skipped when already done): libvulkan1 (the Vulkan loader, from the normal suite;
// apt-get as root, else it says what to run), mesa-vulkan-drivers from bookworm-backports, unpacked
// into <dir>/root, an ICD file <dir>/lvp_icd.json naming the driver by absolute path, and a check
// that the driver's libraries resolve (as root, missing ones are installed from the normal suite).
// engine/backend/lavapipe.ts finds <dir>/lvp_icd.json and points VK_ICD_FILENAMES at it when webgpu
// is forced and no hardware adapter exists.
//
// <dir> is LRLAB_LAVAPIPE_DIR, else $XDG_CACHE_HOME/lrlab/lavapipe (~/.cache/lrlab/lavapipe).
// Flags: --check (report only; exit 1 when not ready), --quiet.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Mirrors engine/backend/lavapipe.ts `lavapipeDir` (tested to agree). */
export function lavapipeDir(env = process.env) {
  if (env.LRLAB_LAVAPIPE_DIR && env.LRLAB_LAVAPIPE_DIR.trim() !== '') return resolve(env.LRLAB_LAVAPIPE_DIR);
  const cache = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.trim() !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(cache, 'lrlab', 'lavapipe');
}

const SUITE = 'bookworm-backports';
const MIRROR = process.env.LRLAB_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const ARCH_LIB = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };

function sh(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', ...opts });
}

function hasCommand(name) {
  return sh('sh', ['-c', `command -v ${name}`]).status === 0;
}

function hasVulkanLoader() {
  const r = sh('sh', ['-c', 'ldconfig -p 2>/dev/null | grep -q "libvulkan.so.1"']);
  return r.status === 0;
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function aptInstall(names, log) {
  log(`apt-get install ${names.join(' ')} (from the system's normal suites)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], { env, stdio: 'inherit' });
  if (r.status !== 0) {
    sh('apt-get', ['update', '-qq'], { env, stdio: 'inherit' });
    r = sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], { env, stdio: 'inherit' });
  }
  return r.status === 0;
}

/** The driver's shared object inside the unpacked tree, or null. */
export function driverPath(dir, arch = process.arch) {
  const lib = ARCH_LIB[arch];
  if (!lib) return null;
  const p = join(dir, 'root', 'usr', 'lib', lib, 'libvulkan_lvp.so');
  return existsSync(p) ? p : null;
}

/** Shared libraries the driver needs that the dynamic linker cannot find. */
function missingLibraries(so) {
  const r = sh('ldd', [so]);
  if (r.status !== 0) return [];
  return r.stdout
    .split('\n')
    .filter((l) => l.includes('not found'))
    .map((l) => l.trim().split(/\s+/)[0]);
}

function aptPrivate(dir) {
  const apt = join(dir, 'apt');
  for (const d of ['lists/partial', 'cache/archives/partial', 'etc']) mkdirSync(join(apt, d), { recursive: true });
  const sources = join(apt, 'etc', 'sources.list');
  writeFileSync(sources, `deb ${MIRROR} ${SUITE} main\n`);
  return [
    '-o', `Dir::Etc::sourcelist=${sources}`,
    '-o', 'Dir::Etc::sourceparts=-',
    '-o', `Dir::State::Lists=${join(apt, 'lists')}`,
    '-o', `Dir::Cache=${join(apt, 'cache')}`,
    '-o', 'APT::Get::List-Cleanup=0',
    '-o', 'APT::Sandbox::User=root',
  ];
}

function main() {
  const args = new Set(process.argv.slice(2));
  const quiet = args.has('--quiet');
  const log = (s) => {
    if (!quiet) console.log(`setup-lavapipe: ${s}`);
  };
  const fail = (s) => {
    console.error(`setup-lavapipe: ${s}`);
    process.exit(1);
  };
  const dir = lavapipeDir();
  const icd = join(dir, 'lvp_icd.json');

  if (process.platform !== 'linux' || !ARCH_LIB[process.arch]) {
    log(`nothing to do on ${process.platform}-${process.arch}: lavapipe is only set up on Linux (x64, arm64); Dawn uses Metal on macOS and D3D12 on Windows.`);
    return;
  }
  const ready = () => hasVulkanLoader() && existsSync(icd) && driverPath(dir) !== null && missingLibraries(driverPath(dir)).length === 0;
  if (args.has('--check')) {
    if (ready()) {
      log(`ready: ${icd}`);
      return;
    }
    fail(`not ready (loader ${hasVulkanLoader() ? 'found' : 'missing'}, driver ${driverPath(dir) ? 'unpacked' : 'missing'} in ${dir}); run npm run setup:lavapipe`);
  }

  // 1. The Vulkan loader (libvulkan.so.1), which dawn.node loads.
  if (!hasVulkanLoader()) {
    if (!isRoot() || !hasCommand('apt-get') || process.env.LRLAB_NO_APT === '1') {
      fail('the Vulkan loader libvulkan.so.1 is missing: run `sudo apt-get install --no-install-recommends libvulkan1`, then this again.');
    }
    if (!aptInstall(['libvulkan1'], log) || !hasVulkanLoader()) fail('apt-get could not install libvulkan1.');
  }

  // 2. Mesa's lavapipe from bookworm-backports, unpacked into <dir>/root.
  if (!driverPath(dir)) {
    if (!hasCommand('apt-get') || !hasCommand('dpkg-deb')) fail('apt-get and dpkg-deb are needed to fetch lavapipe (Debian or Ubuntu).');
    mkdirSync(dir, { recursive: true });
    const opts = aptPrivate(dir);
    log(`fetching mesa-vulkan-drivers from ${SUITE} into ${dir} (private apt config; the system is untouched)…`);
    const upd = sh('apt-get', [...opts, '-qq', 'update']);
    if (upd.status !== 0) fail(`apt-get update for ${SUITE} failed:\n${upd.stderr}`);
    const debs = join(dir, 'debs');
    rmSync(debs, { recursive: true, force: true });
    mkdirSync(debs, { recursive: true });
    const dl = sh('apt-get', [...opts, '-qq', 'download', `mesa-vulkan-drivers/${SUITE}`], { cwd: debs });
    if (dl.status !== 0) fail(`apt-get download mesa-vulkan-drivers/${SUITE} failed:\n${dl.stderr}`);
    for (const f of readdirSync(debs).filter((f) => f.endsWith('.deb'))) {
      const x = sh('dpkg-deb', ['-x', join(debs, f), join(dir, 'root')]);
      if (x.status !== 0) fail(`dpkg-deb -x ${f} failed:\n${x.stderr}`);
    }
    if (!driverPath(dir)) fail(`the unpacked package has no libvulkan_lvp.so for ${process.arch}.`);
  }
  const so = driverPath(dir);

  // 3. The driver's own dependencies (LLVM, libdrm, …): from the normal suite, as root.
  const missing = missingLibraries(so);
  if (missing.length > 0) {
    const deps = sh('dpkg-deb', ['-f', readdirSync(join(dir, 'debs')).map((f) => join(dir, 'debs', f)).find((f) => f.includes('mesa-vulkan-drivers')) ?? '', 'Depends']).stdout ?? '';
    const names = deps
      .split(',')
      .map((d) => d.trim().split(/[\s(|]/)[0])
      .filter((n) => n && n !== 'libvulkan1');
    if (!isRoot() || !hasCommand('apt-get') || process.env.LRLAB_NO_APT === '1') {
      fail(`lavapipe needs ${missing.join(', ')}: run \`sudo apt-get install --no-install-recommends ${names.join(' ')}\`, then this again.`);
    }
    aptInstall(names, log);
    const still = missingLibraries(so);
    if (still.length > 0) fail(`still missing after apt-get: ${still.join(', ')}`);
  }

  // 4. An ICD file naming the driver by absolute path (the package's names it by file name only).
  const shipped = join(dir, 'root', 'usr', 'share', 'vulkan', 'icd.d', 'lvp_icd.json');
  let apiVersion = '1.3.0';
  try {
    apiVersion = JSON.parse(readFileSync(shipped, 'utf8')).ICD.api_version ?? apiVersion;
  } catch {
    // keep the default
  }
  writeFileSync(icd, JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: so, api_version: apiVersion } }, null, 2) + '\n');
  log(`ready: VK_ICD_FILENAMES=${icd} (LR Lab sets it by itself when webgpu is forced and no GPU adapter exists)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
