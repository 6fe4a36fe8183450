/**
 * One host, three doors: the Electron main process, `lrlab serve` and the CLI all build
 * their services here, so every door runs the same code against the same store.
 */
import type { ApiServices } from '@api/contract';
import type { SystemInfo } from '@api/schemas';
import { requestedBackend, type BackendName } from '../../../engine/backend';
import { createDispatch, type Dispatch } from './dispatch';
import { HostEvents } from './events';
import { resolveStorePath } from './paths';
import { createSystemService, probeBackend, type BackendProbe } from '../services/system';
import { createPendingServices } from '../services/pending';

export interface HostOptions {
  readonly mode: SystemInfo['mode'];
  /** Run store file; default: the per-user data folder's runs.sqlite. */
  readonly storePath?: string;
  /** Force an engine backend (`--backend`, LRLAB_BACKEND). */
  readonly backend?: string | null;
  readonly log?: (line: string) => void;
}

export interface Host {
  readonly services: ApiServices;
  readonly dispatch: Dispatch;
  readonly events: HostEvents;
  readonly storePath: string;
  readonly backendName: BackendName | null;
  close(): Promise<void>;
}

export async function createHost(options: HostOptions): Promise<Host> {
  const log = options.log ?? ((line: string) => console.error(line));
  const storePath = resolveStorePath(options.storePath);
  const backendName = requestedBackend(options.backend ?? null);
  const events = new HostEvents();

  let probe: Promise<BackendProbe> | null = null;
  const backend = (): Promise<BackendProbe> => (probe ??= probeBackend(backendName));

  const services: ApiServices = {
    system: createSystemService({ mode: options.mode, storePath, backend }),
    ...createPendingServices(),
  };
  const dispatch = createDispatch(services, log);
  return {
    services,
    dispatch,
    events,
    storePath,
    backendName,
    async close() {},
  };
}
