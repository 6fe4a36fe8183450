// electron/preload: exposes exactly one object, `window.lrlab`, built from the api contract's
// method and event names (no generic channel forwarding). Runs sandboxed; imports electron and
// the schema-free client builder only.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildRawApi } from '../api/client';
import { ipcChannel } from '../api/channels';
import type { ApiResult } from '../api/errors';

const api = buildRawApi({
  call: (method, input) => ipcRenderer.invoke(ipcChannel(method), input) as Promise<ApiResult<unknown>>,
  subscribe: (event, listener) => {
    const handler = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(ipcChannel(event), handler);
    return () => ipcRenderer.removeListener(ipcChannel(event), handler);
  },
});

contextBridge.exposeInMainWorld('lrlab', api);
