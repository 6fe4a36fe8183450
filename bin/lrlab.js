#!/usr/bin/env node
// The `lrlab` command: runs the built CLI (out/main/cli.js).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  console.error(`lrlab: LR Lab is not built yet (${cli} is missing). Run \`npm run build\` in ${root}, then try again.`);
  process.exit(1);
}
await import(pathToFileURL(cli).href);
