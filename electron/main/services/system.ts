import { dirname } from 'node:path';
import type { ApiServices } from '../../api/contract';
import type { SystemInfo } from '../../api/schemas';
import { initBackend, type BackendName, type BackendReport } from '../../../engine/backend';
import { appFacts, gitCommit, machineFacts } from '../host/provenance';

export interface BackendProbe {
  readonly report: BackendReport | null;
  readonly error: string | null;
}

/** Selects the engine backend once per host (the workers select the same way). */
export async function probeBackend(force: BackendName | null): Promise<BackendProbe> {
  try {
    return { report: await initBackend({ force }), error: null };
  } catch (e) {
    return { report: null, error: e instanceof Error ? e.message : String(e) };
  }
}

export function createSystemService(opts: {
  mode: SystemInfo['mode'];
  storePath: string;
  logFile: string;
  backend: () => Promise<BackendProbe>;
}): ApiServices['system'] {
  return {
    async info() {
      const app = appFacts();
      const m = machineFacts();
      const probe = await opts.backend();
      return {
        appName: app.appName,
        appVersion: app.appVersion,
        mode: opts.mode,
        backend: probe.report ? { ...probe.report, skipped: [...probe.report.skipped] } : null,
        backendError: probe.error,
        storePath: opts.storePath,
        dataDir: dirname(opts.storePath),
        logFile: opts.logFile,
        node: m.node,
        electron: m.electron,
        platform: m.os,
        cpu: m.cpu,
        cores: m.cores,
        gitCommit: gitCommit(),
      };
    },
  };
}
