/**
 * Supply chain: depend on what is imported, commit the lockfile npm writes, and CI refuses a
 * tree that install or the tests leave dirty (issue 14, items 17 and 18).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
};

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'out' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|js|mjs|cjs|vue)$/.test(name) && !/\.(test|spec)\.ts$/.test(name)) out.push(p);
  }
  return out;
}

/** Packages loaded by name from a table rather than an import statement: where the table is. */
const LOADED_BY_NAME: Record<string, string> = {
  '@tensorflow/tfjs-node-gpu': 'engine/backend/backend.ts', // optional native backend, tried at run time
};

/** Kept ahead of its import, with the reason: remove the entry once the code imports it. */
const KEPT_AHEAD: Record<string, string> = {};

describe('supply chain', () => {
  it('depends only on packages that the shipped code imports', () => {
    const text = ['electron', 'engine', 'storage', 'renderer', 'bin'].flatMap((d) => sources(join(root, d))).map((f) => readFileSync(f, 'utf8')).join('\n');
    const imported = (name: string): boolean => {
      const q = name.replace(/[/.]/g, (c) => `\\${c}`);
      // `resolve(` covers a package read as files (figure fonts: require.resolve('dejavu-fonts-ttf/package.json')).
      return new RegExp(`(from\\s+|import\\s*\\(\\s*|require\\s*\\(\\s*|resolve\\s*\\(\\s*|import\\s+)['"\`]${q}(/[^'"\`]*)?['"\`]`).test(text);
    };
    const unused = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).filter((name) => {
      if (KEPT_AHEAD[name]) return false;
      if (LOADED_BY_NAME[name]) return !readFileSync(join(root, LOADED_BY_NAME[name]), 'utf8').includes(`'${name}'`);
      return !imported(name);
    });
    expect(unused, 'dependencies nothing imports: remove them (or import them)').toEqual([]);
  });

  it('commits the lockfile npm writes: its root entry matches package.json, install script included', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
    const top = lock.packages[''];
    expect(top).toBeDefined();
    const hasInstallScript = ['preinstall', 'install', 'postinstall'].some((s) => s in pkg.scripts);
    // npm adds `hasInstallScript: true` to the root entry when the project has one; a lockfile
    // without it is rewritten by every `npm install`, leaving the tree dirty.
    expect(top!['hasInstallScript'] === true).toBe(hasInstallScript);
    expect(top!['dependencies']).toEqual(pkg.dependencies);
    expect(top!['devDependencies']).toEqual(pkg.devDependencies);
    expect(top!['optionalDependencies']).toEqual(pkg.optionalDependencies);
  });

  it('CI fails when the tree is dirty after install, and says which files', () => {
    expect(readFileSync(join(root, '.ci/run'), 'utf8')).toMatch(/npm ci[^\n]*\nnode bin\/check-clean-tree\.js/);
    const repo = mkdtempSync(join(tmpdir(), 'lrlab-clean-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo });
    git('init', '-q');
    writeFileSync(join(repo, 'package-lock.json'), '{}\n');
    git('add', '.');
    git('commit', '-qm', 'x');
    const check = () => spawnSync(process.execPath, [join(root, 'bin/check-clean-tree.js'), 'after npm ci'], { cwd: repo, encoding: 'utf8' });
    expect(check().status).toBe(0);
    writeFileSync(join(repo, 'package-lock.json'), '{"hasInstallScript": true}\n');
    const dirty = check();
    expect(dirty.status).toBe(1);
    expect(dirty.stderr).toMatch(/not clean after npm ci[\s\S]*package-lock\.json/);
  });
});
