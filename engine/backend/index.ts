// engine/backend: picks and reports the tfjs backend. Imports tfjs and Node built-ins only
// (and, lazily, the webgpu backend's packages).
export {
  BACKEND_NAMES,
  currentBackend,
  initBackend,
  isBackendName,
  requestedBackend,
  resetBackendForTests,
} from './backend';
export type { BackendName, BackendReport, BackendSkip } from './backend';
export { isSoftwareAdapter, shutdownWebgpu, webgpuAdapter } from './webgpu';
export type { WebgpuAdapterReport } from './webgpu';
export { lavapipeDir, lavapipeIcd, vulkanIcdFiles } from './lavapipe';
