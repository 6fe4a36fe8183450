import type { SystemInfo } from '../api/schemas';

/** `lrlab info` for people. */
export function formatInfo(info: SystemInfo): string {
  const lines = [
    `${info.appName} ${info.appVersion}${info.gitCommit ? ` (${info.gitCommit.slice(0, 12)})` : ''}`,
    `engine backend: ${info.backend ? info.backend.summary : `none — ${info.backendError ?? 'unknown error'}`}`,
  ];
  if (info.backend?.forced) lines.push('  (forced by --backend / LRLAB_BACKEND)');
  for (const s of info.backend?.skipped ?? []) lines.push(`  skipped ${s.name}: ${s.reason}`);
  lines.push(
    `run store:      ${info.storePath}`,
    `machine:        ${info.cpu} × ${info.cores}, ${info.platform}, Node ${info.node}${info.electron ? `, Electron ${info.electron}` : ''}`,
  );
  return lines.join('\n') + '\n';
}
