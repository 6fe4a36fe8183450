#!/usr/bin/env node
// CI: after `npm ci` (and again after the tests) the working tree must be exactly the commit.
// A lockfile that npm rewrites on install, or a test that leaves files behind, would otherwise
// make every run's provenance say the commit is `-dirty`. Exits 1, listing what changed.
import { execFileSync } from 'node:child_process';

const when = process.argv[2] ?? 'now';
let out;
try {
  out = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { encoding: 'utf8' });
} catch (e) {
  process.stderr.write(`check-clean-tree: cannot run git status (${e.message}).\n`);
  process.exit(1);
}
if (out.trim()) {
  process.stderr.write(
    `The working tree is not clean ${when}; these files changed or appeared:\n${out}` +
      'Commit what npm writes (package-lock.json), or make the step that wrote these files clean up after itself.\n',
  );
  process.exit(1);
}
process.stdout.write(`working tree clean ${when}\n`);
