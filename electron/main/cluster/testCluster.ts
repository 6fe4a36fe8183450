/**
 * For the Slurm tests: the repository's single-node cluster (bin/slurm-local.js), brought up
 * once per test file. Under CI=true a cluster that cannot start fails the tests (they must not
 * be skipped silently there); elsewhere they are skipped with the reason.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { appFacts } from '../host/provenance';

export type ClusterState = { readonly ok: true; readonly startedHere: boolean } | { readonly ok: false; readonly reason: string };

function script(cmd: 'up' | 'down' | 'status'): { ok: boolean; out: string } {
  const r = spawnSync(process.execPath, [join(appFacts().root, 'bin', 'slurm-local.js'), cmd], { encoding: 'utf8', timeout: 600_000 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

export function ensureTestCluster(): ClusterState {
  const before = script('status');
  const up = before.ok ? before : script('up');
  const conf = /SLURM_CONF=(\S+)/.exec(up.out)?.[1];
  if (!up.ok || !conf) {
    const reason = `the single-node Slurm did not start: ${up.out.split('\n').slice(-3).join(' | ')}`;
    if (process.env['CI'] === 'true') throw new Error(`${reason} (CI=true: the Slurm tests must run here)`);
    return { ok: false, reason };
  }
  process.env['SLURM_CONF'] = conf;
  return { ok: true, startedHere: !before.ok };
}

/** Stops the cluster if this process started it. */
export function releaseTestCluster(state: ClusterState): void {
  if (state.ok && state.startedHere) script('down');
}
