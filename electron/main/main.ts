/**
 * Electron main: hosts the run store and the training queue, opens one sandboxed window and
 * answers the renderer only through the api contract's IPC channels.
 */
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_NAMES, METHOD_NAMES, ipcChannel } from '../api/channels';
import { createHost, type Host } from './host/host';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererIndex = join(here, '..', 'renderer', 'index.html');
const preload = join(here, '..', 'preload', 'index.cjs');

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function isOwnPage(url: string): boolean {
  return url.startsWith('file://') && decodeURIComponent(new URL(url).pathname) === rendererIndex.replace(/\\/g, '/');
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 1024,
    minHeight: 700,
    title: 'LR Lab',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  // No remote content: the window never navigates away or opens other windows; http(s)
  // links go to the system browser.
  win.webContents.on('will-navigate', (e, url) => {
    if (!isOwnPage(url)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void win.loadFile(rendererIndex);
  return win;
}

async function main(): Promise<void> {
  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.webRequest.onBeforeRequest((details, cb) => {
    // Only our own files and devtools; anything remote is cancelled.
    cb({ cancel: !/^(file|devtools|data|blob):/.test(details.url) });
  });

  // better-sqlite3 must be built for Electron's ABI; Node keeps node_modules' own build.
  const nativeBinding = join(here, '..', '..', 'native', `electron-${process.versions.electron}`, 'better_sqlite3.node');
  if (!existsSync(nativeBinding)) {
    dialog.showErrorBox('LR Lab', `The run store needs better-sqlite3 built for Electron ${process.versions.electron}: run \`npm run build:native-electron\`, or use browser mode (\`npx lrlab serve\`).`);
    app.exit(1);
    return;
  }
  const host: Host = await createHost({
    mode: 'electron',
    storePath: argValue('--store'),
    backend: argValue('--backend') ?? null,
    runQueue: true,
    nativeBinding,
    // Figure export in the desktop window: the native save dialog (untested here: no Electron binary).
    saveDialog: async (suggestedName, format) => {
      const r = await dialog.showSaveDialog({ defaultPath: suggestedName, filters: [{ name: format.toUpperCase(), extensions: [format] }] });
      return r.canceled || !r.filePath ? null : r.filePath;
    },
  });
  for (const name of METHOD_NAMES) {
    ipcMain.handle(ipcChannel(name), (event, input: unknown) => {
      if (!event.senderFrame || !isOwnPage(event.senderFrame.url)) {
        return { ok: false, error: { code: 'unauthorized', message: 'api calls are accepted only from the LR Lab window' } };
      }
      return host.dispatch(name, input);
    });
  }
  const win = createWindow();
  const unsubscribe = host.events.subscribe((event, payload) => {
    if (!win.isDestroyed() && (EVENT_NAMES as readonly string[]).includes(event)) win.webContents.send(ipcChannel(event), payload);
  });

  app.on('window-all-closed', () => {
    unsubscribe();
    void host.close().finally(() => app.quit());
  });
}

main().catch((e: unknown) => {
  const message = `LR Lab failed to start: ${e instanceof Error ? e.message : String(e)}`;
  console.error(message);
  // Started from an icon there is no terminal: say it where the person looks.
  if (app.isReady()) dialog.showErrorBox('LR Lab', message);
  app.exit(1);
});
