/** Facts about this installation and machine that go with every run and `lrlab info`. */
import { execFileSync } from 'node:child_process';
import { cpus, hostname, platform, release, arch } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AppFacts {
  readonly appName: string;
  readonly appVersion: string;
  readonly root: string;
}

/** The package root: the nearest folder above this file holding LR Lab's package.json. */
export function appRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      try {
        if ((JSON.parse(readFileSync(p, 'utf8')) as { name?: string }).name === 'lr-lab') return dir;
      } catch {
        // not ours; keep climbing
      }
    }
    dir = dirname(dir);
  }
  return process.cwd();
}

let facts: AppFacts | null = null;
export function appFacts(): AppFacts {
  if (facts) return facts;
  const root = appRoot();
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  facts = { appName: 'LR Lab', appVersion: pkg.version, root };
  return facts;
}

let commit: string | null | undefined;
/** The git commit of the checkout the app runs from, or null outside a checkout. */
export function gitCommit(): string | null {
  if (commit !== undefined) return commit;
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: appFacts().root, stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 });
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: appFacts().root,
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2000,
    });
    commit = out.toString().trim() + (dirty.toString().trim() ? '-dirty' : '');
  } catch {
    commit = null;
  }
  return commit;
}

/** nvidia-smi's first GPU name, or null where there is none. */
export function gpuModel(): string | null {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 3000 });
    return out.toString().trim().split('\n')[0] || null;
  } catch {
    return null;
  }
}

/** The versions recorded with a run: tfjs and its backend package, Node/Electron, OS, CPU, GPU, app. */
export function runtimeVersions(backend: { package: string; version: string }, tfjsVersion: string): Record<string, string> {
  const m = machineFacts();
  const gpu = gpuModel();
  return {
    tfjs: tfjsVersion,
    [backend.package]: backend.version,
    node: m.node,
    os: m.os,
    cpu: `${m.cpu} × ${m.cores}`,
    appVersion: appFacts().appVersion,
    ...(m.electron ? { electron: m.electron } : {}),
    ...(gpu ? { gpu } : {}),
  };
}

export function machineFacts(): { host: string; os: string; cpu: string; cores: number; node: string; electron: string | null } {
  const c = cpus();
  return {
    host: hostname(),
    os: `${platform()} ${release()} ${arch()}`,
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    node: process.versions.node,
    electron: process.versions['electron'] ?? null,
  };
}
