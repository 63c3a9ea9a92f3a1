// Electron main process: one locked-down window, two custom schemes, one IPC choke point, and a
// utilityProcess (core-process.ts) that hosts core so heavy work never blocks this thread.
//
//   renderer ──ipcRenderer.invoke(IPC_INVOKE_CHANNEL)──► ipc-gate (sender + schema) ──► CoreProcessClient
//        ▲                                                                                   │ parentPort
//        └──── webContents.send(IPC_EVENT_CHANNEL, JobEvent) ◄──── {type:'event'} ◄──── core-process.ts (core)
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell, utilityProcess, type OpenDialogOptions, type Session } from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { defaultLibraryDir } from '../core/app/paths';
import { ApiError, IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, LIBRARY_PROTOCOL, type ApiInput, type BatchDto } from '../shared/api';
import { createInvokeHandler } from './ipc-gate';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  CONTENT_SECURITY_POLICY,
  isAllowedDownloadUrl,
  isAllowedRequestUrl,
  isAppOrigin,
  libraryRelForUrl,
  rendererFileForUrl,
  safeDownloadName,
} from './protocol-paths';
import { CoreProcessCallError, CoreProcessClient } from './core-process-client';
import { libraryFileHeaders, mimeForPath } from '../shared/mime';
import { windowWebPreferences } from './window-options';

const distDir = path.resolve(__dirname, '..');
const rendererDir = path.join(distDir, 'renderer');
const preloadPath = path.join(distDir, 'preload', 'index.cjs');
const coreProcessPath = path.join(__dirname, 'core-process.cjs');
const libraryDir = defaultLibraryDir();

// Must run before `ready`: both schemes behave like https (standard, secure origin).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  { scheme: LIBRARY_PROTOCOL, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);
app.enableSandbox();

let mainWindow: BrowserWindow | null = null;

function log(message: string): void {
  console.error(`[renovo] ${message}`);
}

const coreProcess = new CoreProcessClient({
  spawn: () =>
    utilityProcess.fork(coreProcessPath, [`--library=${libraryDir}`], {
      serviceName: 'Renovo engine',
      stdio: 'inherit',
    }),
  onEvent: (event) => {
    const contents = mainWindow?.webContents;
    if (contents && !contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, event);
  },
  log,
});

const securityHeaders = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

function refuse(status: number): Response {
  return new Response(null, { status, headers: securityHeaders });
}

async function serveRenderer(request: Request): Promise<Response> {
  const target = rendererFileForUrl(request.url, rendererDir, request.method);
  if (!target.ok) return refuse(target.status);
  try {
    const body = await readFile(target.path);
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: { ...securityHeaders, 'Content-Type': mimeForPath(target.path), 'Cache-Control': 'no-cache' },
    });
  } catch {
    return refuse(404);
  }
}

async function serveLibrary(request: Request): Promise<Response> {
  const target = libraryRelForUrl(request.url, request.method);
  if (!target.ok) return refuse(target.status);
  let file: string;
  try {
    file = await coreProcess.resolveLibraryFile(target.path); // the library's own resolve: refuses traversal and links out
  } catch (error) {
    const code = error instanceof CoreProcessCallError ? error.code : 'INTERNAL';
    return refuse(code === 'OUTSIDE_LIBRARY' ? 403 : code === 'NOT_FOUND' ? 404 : 500);
  }
  try {
    const body = await readFile(file);
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: {
        ...libraryFileHeaders(body.subarray(0, 32)),
        // Library files are content-addressed (sha256 names): safe to cache.
        'Cache-Control': 'private, max-age=31536000, immutable',
      },
    });
  } catch {
    return refuse(404);
  }
}

function hardenSession(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  // No remote content: only the app scheme, the library scheme, in-page blob:/data: and DevTools.
  ses.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) => {
    const allowed = isAllowedRequestUrl(details.url);
    if (!allowed) log(`blocked request to ${details.url.slice(0, 200)}`);
    callback({ cancel: !allowed });
  });
  // Belt and braces: every response that reaches a page carries the CSP.
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...(details.responseHeaders ?? {}) };
    for (const key of Object.keys(headers)) if (key.toLowerCase() === 'content-security-policy') delete headers[key];
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders: headers });
  });
  // Exports arrive as <a download> of a blob: URL; Electron shows a Save dialog for them.
  ses.on('will-download', (event, item, contents) => {
    if (!mainWindow || contents !== mainWindow.webContents || !isAllowedDownloadUrl(item.getURL())) {
      event.preventDefault();
      return;
    }
    item.setSaveDialogOptions({
      title: 'Export image',
      defaultPath: path.join(app.getPath('downloads'), safeDownloadName(item.getFilename())),
    });
    item.once('done', (_e, state) => {
      if (state === 'interrupted') {
        void dialog.showMessageBox(mainWindow!, { type: 'error', message: 'The export could not be saved.' });
      }
    });
  });
  ses.protocol.handle(APP_SCHEME, serveRenderer);
  ses.protocol.handle(LIBRARY_PROTOCOL, serveLibrary);
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Renovo',
    backgroundColor: '#0f1115',
    webPreferences: windowWebPreferences(preloadPath, app.isPackaged),
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(APP_ENTRY_URL);
  return win;
}

// Every webContents (the window, and anything that tries to appear): no navigation, no popups,
// no <webview>.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (url !== APP_ENTRY_URL) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppOrigin(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

/** chooseFolder: the native folder dialog, parented to the app window; null when cancelled. */
async function chooseFolder(input: ApiInput<'chooseFolder'>): Promise<{ path: string | null }> {
  const options: OpenDialogOptions = { title: input.title ?? 'Choose a folder', properties: ['openDirectory', 'createDirectory'] };
  const result = mainWindow && !mainWindow.isDestroyed() ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  return { path: result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0] };
}

/** openBatchOutput: the batch's output folder (as core recorded it) in the system file manager. */
async function openBatchOutput(input: ApiInput<'openBatchOutput'>): Promise<{ opened: boolean }> {
  const batches = (await coreProcess.call('listBatches', {})) as BatchDto[];
  const batch = batches.find((b) => b.id === input.batchId);
  if (!batch) throw new ApiError('NOT_FOUND', `Batch ${input.batchId} does not exist`);
  return { opened: (await shell.openPath(batch.outputDir)) === '' };
}

const handleInvoke = createInvokeHandler({
  trustedWebContentsId: () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents.id : null),
  // The folder picker is the one call main answers itself (a native dialog); core does the rest.
  dispatch: (method, input) =>
    method === 'chooseFolder' ? chooseFolder(input as ApiInput<'chooseFolder'>)
      : method === 'openBatchOutput' ? openBatchOutput(input as ApiInput<'openBatchOutput'>)
        : coreProcess.call(method, input),
  onRefused: (reason) => log(`refused IPC call: ${reason}`),
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });

  void app.whenReady().then(() => {
    hardenSession(session.defaultSession);
    ipcMain.handle(IPC_INVOKE_CHANNEL, (event, method: unknown, payload: unknown) => handleInvoke(event, method, payload));
    coreProcess.start().catch((error: unknown) => log(`engine failed to start: ${(error as Error).message}`));
    mainWindow = createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    void coreProcess.close().finally(() => app.quit());
  });
}
