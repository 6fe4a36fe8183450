/**
 * `lrlab worker RUN_DIR` without the rest of the CLI: what a Slurm task runs when LR Lab is used
 * from source (tests, a checkout on a shared filesystem). The built CLI's `worker` command is the same.
 */
import { runClusterWorker } from './clusterWorker';

const runDir = process.argv[2];
if (!runDir) {
  process.stderr.write('usage: lrlab worker RUN_DIR\n');
  process.exit(2);
}
runClusterWorker(runDir).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`lrlab worker: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
