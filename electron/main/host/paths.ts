/**
 * Where LR Lab keeps its data. Every door (window, browser mode, CLI) uses the same default
 * so that a run started from the CLI shows up in the GUI: `$LRLAB_HOME`, else the OS's
 * per-user data folder. `--store PATH` (or LRLAB_STORE) points at another run store file.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env['LRLAB_HOME']) return resolve(env['LRLAB_HOME']);
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'LR Lab');
  if (platform === 'win32') return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), 'LR Lab');
  return join(env['XDG_DATA_HOME'] ?? join(home, '.local', 'share'), 'lrlab');
}

export function resolveStorePath(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return resolve(explicit);
  if (env['LRLAB_STORE']) return resolve(env['LRLAB_STORE']);
  return join(defaultDataDir(env), 'runs.sqlite');
}
