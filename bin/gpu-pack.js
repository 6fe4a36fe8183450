#!/usr/bin/env node
// `npm run gpu:pack [-- --out DIR]`: a self-contained folder (under 60 MiB) for checking the
// webgpu backend on a Linux x64 machine with an NVIDIA GPU and no network, where Node may be
// missing: bin/gpu-check.sh plus payload.tar.xz holding
//   node                     this Node runtime (linux-x64)
//   app/bench.mjs, check.mjs engine/bench/engine.bench.ts and gpuCheck.ts bundled with esbuild
//                            (tfjs and the engine included; wasm and native TensorFlow left out)
//   app/torch_bench.py       the PyTorch side of the benchmark (run with --device cuda there)
//   app/node_modules/webgpu  Dawn: index.js, package.json and dist/linux-x64/dawn.node only
//   debs/libvulkan1_*.deb    the Vulkan loader, for a host whose `ldconfig -p` has none
// Default folder: dist/gpu-check. Run it there with `bash gpu-check.sh`.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const out = resolve(outIdx >= 0 && args[outIdx + 1] ? args[outIdx + 1] : join(root, 'dist', 'gpu-check'));
const LIMIT = 60 * 2 ** 20;

function fail(msg) {
  console.error(`gpu:pack: ${msg}`);
  process.exit(1);
}

if (process.platform !== 'linux' || process.arch !== 'x64') fail(`the pack carries this machine's Node runtime, so build it on linux-x64 (this is ${process.platform}-${process.arch}).`);
const dawn = join(root, 'node_modules', 'webgpu', 'dist', 'linux-x64', 'dawn.node');
if (!existsSync(dawn)) fail(`${dawn} is missing: run npm install.`);

rmSync(out, { recursive: true, force: true });
const stage = join(out, '.stage');
const app = join(stage, 'app');
mkdirSync(app, { recursive: true });

// 1. The engine, benchmark and check, bundled (one chunk shared between the two entries).
await build({
  entryPoints: { bench: join(root, 'engine/bench/engine.bench.ts'), check: join(root, 'engine/bench/gpuCheck.ts') },
  outdir: app,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  outExtension: { '.js': '.mjs' },
  // Dawn is native and loaded from app/node_modules; the CPU backends are never loaded there.
  external: ['webgpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  banner: { js: "import { createRequire as __lrlabRequire } from 'node:module'; const require = __lrlabRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'none',
});
copyFileSync(join(root, 'engine/bench/torch_bench.py'), join(app, 'torch_bench.py'));

// 2. Dawn, linux-x64 only.
const wg = join(app, 'node_modules', 'webgpu');
mkdirSync(join(wg, 'dist', 'linux-x64'), { recursive: true });
for (const f of ['index.js', 'package.json', 'LICENSE.md']) cpSync(join(root, 'node_modules', 'webgpu', f), join(wg, f));
copyFileSync(dawn, join(wg, 'dist', 'linux-x64', 'dawn.node'));
// Only its version (lrlab info's report); the code is in the bundle.
const tfwg = join(app, 'node_modules', '@tensorflow', 'tfjs-backend-webgpu');
mkdirSync(tfwg, { recursive: true });
copyFileSync(join(root, 'node_modules', '@tensorflow', 'tfjs-backend-webgpu', 'package.json'), join(tfwg, 'package.json'));

// 3. This Node runtime.
copyFileSync(process.execPath, join(stage, 'node'));
chmodSync(join(stage, 'node'), 0o755);

// 4. The Vulkan loader as a .deb (apt-get download changes nothing on this machine).
const debs = join(stage, 'debs');
mkdirSync(debs, { recursive: true });
const dl = spawnSync('apt-get', ['download', '-qq', 'libvulkan1'], { cwd: debs, encoding: 'utf8' });
if (dl.status !== 0 || readdirSync(debs).length === 0) console.warn(`gpu:pack: no libvulkan1 .deb (apt-get download failed: ${(dl.stderr ?? '').trim().split('\n').pop()}); the host must have libvulkan.so.1.`);

// 5. Compress, add the script.
console.log('gpu:pack: compressing (xz)…');
const tar = spawnSync('tar', ['-I', 'xz -T0 -6', '-cf', join(out, 'payload.tar.xz'), '-C', stage, '.'], { stdio: 'inherit' });
if (tar.status !== 0) fail('tar/xz failed');
rmSync(stage, { recursive: true, force: true });
copyFileSync(join(root, 'bin', 'gpu-check.sh'), join(out, 'gpu-check.sh'));
chmodSync(join(out, 'gpu-check.sh'), 0o755);
writeFileSync(
  join(out, 'README.txt'),
  'LR Lab GPU check. Copy this folder to a Linux x64 machine with an NVIDIA GPU (glibc 2.34+, e.g. Ubuntu 22.04+) and run:\n  bash gpu-check.sh\nIt needs no network and no Node; python3 with a CUDA PyTorch adds the reference rows. Output goes to gpu-check.log.\n',
);

const total = readdirSync(out).reduce((s, f) => s + statSync(join(out, f)).size, 0);
console.log(`gpu:pack: ${out} — ${(total / 2 ** 20).toFixed(1)} MiB (limit 60 MiB)`);
if (total >= LIMIT) fail(`the pack is ${(total / 2 ** 20).toFixed(1)} MiB, over the 60 MiB limit.`);
