#!/usr/bin/env node
// Builds the engine's optional oneDNN kernels (engine/kernels/onednn, an N-API addon) with
// node-gyp where oneDNN's headers are installed (Debian: apt-get install libdnnl-dev). Runs
// after `npm install`; never fails the install: without oneDNN the engine uses its XNNPACK
// kernels and `lrlab info` says so. `npm run build:kernels` runs it again (--strict: fail loudly).
// Supported: Linux with GCC and oneDNN 2.x (checked below, with a clear message otherwise).
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const strict = process.argv.includes('--strict');
const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'engine', 'kernels', 'onednn');
const done = (message, ok) => {
  console.log(`oneDNN kernels: ${message}`);
  process.exit(ok || !strict ? 0 : 1);
};

// Linux only: binding.gyp carries GCC flags (-ffp-contract=off keeps the Gaussian draws equal
// to JavaScript's; -fexceptions) and links -ldnnl as Debian installs it. macOS (clang, Homebrew's
// oneDNN 3.x) and Windows (MSVC) are not supported: there the engine keeps XNNPACK.
if (process.platform !== 'linux') {
  done(`skipped on ${process.platform}: the oneDNN kernels are built on Linux only (GCC, oneDNN 2.x); the engine uses XNNPACK`, false);
}

const header = ['/usr/include/oneapi/dnnl/dnnl.hpp', '/usr/local/include/oneapi/dnnl/dnnl.hpp'].find((p) => existsSync(p));
if (!header && !process.env.CPLUS_INCLUDE_PATH) {
  done('skipped, oneDNN is not installed (Debian: apt-get install libdnnl-dev, then npm run build:kernels); the engine uses XNNPACK', false);
}

// The kernels use oneDNN 2.x's operation descriptors, which 3.0 removed: say so instead of
// failing with pages of compiler errors (onednn.cc also refuses other versions with #error).
const versionHeader = header && join(dirname(header), 'dnnl_version.h');
if (versionHeader && existsSync(versionHeader)) {
  const m = /#define\s+DNNL_VERSION_MAJOR\s+(\d+)/.exec(readFileSync(versionHeader, 'utf8'));
  const major = m ? Number(m[1]) : null;
  if (major !== 2) {
    done(`skipped, found oneDNN ${major ?? 'of unknown version'} at ${dirname(header)}, but the kernels need oneDNN 2.x (Debian bookworm's libdnnl-dev 2.7); the engine uses XNNPACK`, false);
  }
}

// npm's own node-gyp (npm sets npm_config_node_gyp for install scripts), else the one next to npm.
const candidates = [
  process.env.npm_config_node_gyp,
  process.env.npm_execpath && join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].filter(Boolean);
const gyp = candidates.find((p) => existsSync(p));
if (!gyp) done(`skipped, node-gyp not found (looked in ${candidates.join(', ')})`, false);

// Node's own headers when they are installed with it (Debian's nodejs), so nothing is downloaded.
const nodeDir = join(dirname(process.execPath), '..');
const args = [gyp, 'rebuild'];
if (existsSync(join(nodeDir, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${nodeDir}`);
const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
if (r.status !== 0) {
  const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n');
  done(`build failed, the engine uses XNNPACK:\n${tail}`, false);
}
done(`built (${join(dir, 'build', 'Release', 'lrlab_onednn.node')})`, true);
