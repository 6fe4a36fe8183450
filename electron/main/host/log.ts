/**
 * The host's log: pino (structured lines, one JSON object each) into a rotating file in the data
 * folder, and the same message as plain text on stderr. The desktop app started from an icon has
 * no terminal, so without the file its log would be lost; `lrlab info` says where the file is.
 *
 * Rotation (rotating-file-stream): the file is renamed when it reaches 5 MiB, the 5 newest old
 * files are kept (`lrlab.log.1` … `.5`, older ones are deleted), so logs never grow past ~30 MiB.
 * A data folder that cannot be written (read-only, full disk) never stops the host: the file
 * is dropped with one line on stderr and logging goes on there.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

export const LOG_FILE_NAME = 'lrlab.log';
export const LOG_MAX_BYTES = 5 * 1024 * 1024;
export const LOG_KEEP_FILES = 5;

/** Where a data folder's log file is (it may not exist yet). */
export function logFilePath(dataDir: string): string {
  return join(dataDir, 'logs', LOG_FILE_NAME);
}

export interface HostLog {
  /** Logs one line (info level); `error` for failures. */
  (line: string): void;
  error(line: string): void;
  /** The file this log writes, or null when it could not be opened (then: stderr only). */
  readonly file: string | null;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

export interface HostLogOptions {
  /** Also write each line to stderr (default true). */
  readonly stderr?: boolean;
  readonly maxBytes?: number;
  readonly keepFiles?: number;
  /** Added to every record (e.g. { mode: 'browser' }). */
  readonly base?: Record<string, unknown>;
}

/** A log writing `<dataDir>/logs/lrlab.log` (rotated) and stderr. */
export function createHostLog(dataDir: string, options: HostLogOptions = {}): HostLog {
  const toStderr = options.stderr ?? true;
  const file = logFilePath(dataDir);
  let stream: RotatingFileStream | null = null;
  let logger: pino.Logger | null = null;
  let fileNow: string | null = null;
  const dropFile = (why: string) => {
    if (!stream) return;
    process.stderr.write(`lrlab: the log file ${file} cannot be written (${why}); logging to stderr only.\n`);
    const s = stream;
    stream = null;
    logger = null;
    fileNow = null;
    s.removeAllListeners('error');
    s.on('error', () => {});
    s.destroy();
  };
  try {
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
    const kib = Math.max(1, Math.round((options.maxBytes ?? LOG_MAX_BYTES) / 1024));
    // Classical rotation: lrlab.log → lrlab.log.1 → … → lrlab.log.N, the oldest dropped.
    // (in this mode rotating-file-stream passes the index first: null for the live file)
    const name = (index: number | Date | null) => (typeof index === 'number' && index > 0 ? `${LOG_FILE_NAME}.${index}` : LOG_FILE_NAME);
    stream = createStream(name, { path: join(dataDir, 'logs'), size: `${kib}K`, rotate: options.keepFiles ?? LOG_KEEP_FILES });
    stream.on('error', (e: Error) => dropFile(e.message));
    logger = pino({ base: { pid: process.pid, ...options.base }, timestamp: pino.stdTimeFunctions.isoTime }, stream);
    fileNow = file;
  } catch (e) {
    if (toStderr) process.stderr.write(`lrlab: cannot keep a log file in ${join(dataDir, 'logs')} (${e instanceof Error ? e.message : String(e)}); logging to stderr only.\n`);
  }
  const write = (level: 'info' | 'error', line: string) => {
    if (toStderr) process.stderr.write(line.endsWith('\n') ? line : `${line}\n`);
    try {
      logger?.[level](line);
    } catch (e) {
      dropFile(e instanceof Error ? e.message : String(e));
    }
  };
  const log = ((line: string) => write('info', line)) as HostLog;
  log.error = (line: string) => write('error', line);
  Object.defineProperty(log, 'file', { get: () => fileNow });
  log.close = () =>
    new Promise<void>((resolve) => {
      const s = stream;
      stream = null;
      logger = null;
      if (!s) return resolve();
      s.end(() => resolve());
    });
  return log;
}
