/**
 * Where LR Lab keeps its own software Vulkan driver (Mesa's lavapipe, unpacked by
 * `npm run setup:lavapipe` = bin/setup-lavapipe.js), and whether a Vulkan driver is installed
 * at all. Node built-ins only.
 *
 * The folder is LRLAB_LAVAPIPE_DIR, else $XDG_CACHE_HOME/lrlab/lavapipe (~/.cache/lrlab/lavapipe);
 * bin/setup-lavapipe.js computes the same path (a test holds the two together).
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function lavapipeDir(env: NodeJS.ProcessEnv = process.env): string {
  const own = env['LRLAB_LAVAPIPE_DIR'];
  if (own !== undefined && own.trim() !== '') return resolve(own);
  const xdg = env['XDG_CACHE_HOME'];
  const cache = xdg !== undefined && xdg.trim() !== '' ? xdg : join(homedir(), '.cache');
  return join(cache, 'lrlab', 'lavapipe');
}

/** The ICD file naming LR Lab's lavapipe by absolute path, or null when it is not set up. */
export function lavapipeIcd(env: NodeJS.ProcessEnv = process.env): string | null {
  const icd = join(lavapipeDir(env), 'lvp_icd.json');
  return existsSync(icd) ? icd : null;
}

/**
 * The Vulkan ICD files (driver manifests) the Vulkan loader would find on Linux: the files or
 * folders named by VK_ICD_FILENAMES / VK_DRIVER_FILES / VK_ADD_DRIVER_FILES, and the
 * `vulkan/icd.d` folders under XDG_CONFIG_DIRS, /etc, XDG_DATA_DIRS and /usr/share. Empty
 * means no Vulkan driver is installed, so Dawn cannot find an adapter (checked before loading
 * it, which costs ~0.5 s and prints Vulkan warnings).
 */
export function vulkanIcdFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  const addPath = (p: string) => {
    if (p === '' || !existsSync(p)) return;
    if (p.endsWith('.json')) out.push(p);
    else {
      try {
        for (const f of readdirSync(p)) if (f.endsWith('.json')) out.push(join(p, f));
      } catch {
        // not a folder
      }
    }
  };
  const explicit = env['VK_DRIVER_FILES'] ?? env['VK_ICD_FILENAMES'];
  if (explicit !== undefined && explicit.trim() !== '') {
    for (const p of explicit.split(':')) addPath(p);
    return out;
  }
  for (const p of (env['VK_ADD_DRIVER_FILES'] ?? '').split(':')) addPath(p);
  const config = (env['XDG_CONFIG_DIRS'] ?? '/etc/xdg').split(':');
  const data = (env['XDG_DATA_DIRS'] ?? '/usr/local/share:/usr/share').split(':');
  const home = env['XDG_DATA_HOME'] ?? join(homedir(), '.local', 'share');
  for (const base of [...config, '/etc', home, ...data, '/usr/share']) addPath(join(base, 'vulkan', 'icd.d'));
  return [...new Set(out)];
}
