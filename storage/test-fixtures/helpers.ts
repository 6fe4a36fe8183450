/** Shared test helpers: temporary store folders, sample runs, and child processes run through tsx. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewRun } from '../types';

export function tempDir(prefix = 'lrlab-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let counter = 0;

export function sampleRun(over: Partial<NewRun> = {}): NewRun {
  counter++;
  return {
    name: `run ${counter}`,
    spec: { kind: 'synthetic', seed: counter, backend: 'auto', lr: 0.1, nested: { a: [1, 2, 3] } },
    specHash: `hash-${counter}`,
    kind: 'synthetic',
    algorithm: 'sgd',
    preset: 'toy-ls',
    seed: counter,
    ...over,
  };
}

export function fixture(name: string): string {
  return join(import.meta.dirname, name);
}

/** Starts `node --import tsx <fixture> ...args` and collects its stdout lines. */
export function spawnFixture(name: string, args: readonly string[]): { child: ChildProcess; lines: string[]; waitFor: (pred: (l: string) => boolean, timeoutMs?: number) => Promise<string>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture(name), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { pred: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  let buf = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.pred(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const waitFor = (pred: (l: string) => boolean, timeoutMs = 20_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const found = lines.find(pred);
      if (found !== undefined) return resolve(found);
      const t = setTimeout(() => reject(new Error(`child ${name} did not print the expected line; stderr: ${stderr}`)), timeoutMs);
      waiters.push({
        pred,
        resolve: (l) => {
          clearTimeout(t);
          resolve(l);
        },
      });
      void exited.then((code) => {
        clearTimeout(t);
        reject(new Error(`child ${name} exited (${code}) early; stderr: ${stderr}`));
      });
    });
  return { child, lines, waitFor, exited };
}
