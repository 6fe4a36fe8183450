// engine/backend: picks and reports the tfjs backend. Imports tfjs and Node built-ins only.
export {
  BACKEND_NAMES,
  currentBackend,
  initBackend,
  isBackendName,
  requestedBackend,
  resetBackendForTests,
} from './backend';
export type { BackendName, BackendReport, BackendSkip } from './backend';
