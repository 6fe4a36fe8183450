// electron/api: the contract between the host and every client (service interfaces, schemas,
// events, errors). Imports zod only; no Node built-ins, no electron: the renderer reads its types.
export * from './contract';
export * from './errors';
export { methods, events } from './schemas';
export { METHOD_NAMES, EVENT_NAMES, ipcChannel } from './channels';
export { buildApi, buildRawApi, rawApiTransport } from './client';
export type { RawLrLabApi, Transport } from './client';
