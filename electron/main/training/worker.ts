// The training worker (a child process per run). Implemented with the training service.
process.stderr.write('LR Lab training worker: not available in this build yet.\n');
process.exit(1);
