// Entry of the Electron utilityProcess (dist/main/core-process.cjs): hosts core — createRenovoService
// with its worker_threads — off the main process. Talks to main over process.parentPort only.
// Main has already validated every call at its IPC choke point (ipc-gate.ts).
import { createRenovoService, defaultShippedModelsDir, type RenovoService } from '../core/app';
import type { ApiMethod } from '../shared/api';
import { toErrorPayload } from './ipc-gate';
import { isMainToCore, type MainToCore, type CoreToMain } from './core-process-protocol';

const port = process.parentPort;
if (!port) {
  console.error('core-process.cjs must be started by Electron main (utilityProcess.fork)');
  process.exit(2);
}

function post(message: CoreToMain): void {
  port.postMessage(message);
}

function argValue(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

const libraryDir = argValue('library');
let shuttingDown = false;

// Opening the library (database, migrations, workers) starts at once; messages wait for it.
const serviceReady: Promise<RenovoService> = libraryDir
  ? createRenovoService({ libraryDir, host: 'desktop', shippedModelsDir: defaultShippedModelsDir() })
  : Promise.reject(new Error('utility process started without --library'));

async function handle(message: MainToCore): Promise<void> {
  switch (message.type) {
    case 'shutdown': {
      if (shuttingDown) return;
      shuttingDown = true;
      try {
        await (await serviceReady.catch(() => null))?.close();
      } finally {
        process.exit(0);
      }
      return;
    }
    case 'resolve':
      try {
        const service = await serviceReady;
        post({ type: 'result', id: message.id, ok: true, value: service.resolveLibraryFile(message.rel) });
      } catch (error) {
        post({ type: 'result', id: message.id, ok: false, error: toErrorPayload(error) });
      }
      return;
    case 'call':
      try {
        const service = await serviceReady;
        const fn = service[message.method as ApiMethod] as ((input: unknown) => Promise<unknown>) | undefined;
        if (typeof fn !== 'function') throw new Error(`unknown method ${message.method}`);
        const value = await fn(message.input);
        post({ type: 'result', id: message.id, ok: true, value });
      } catch (error) {
        post({ type: 'result', id: message.id, ok: false, error: toErrorPayload(error) });
      }
      return;
  }
}

port.on('message', (e) => {
  const data: unknown = e.data;
  if (isMainToCore(data)) void handle(data);
});

serviceReady.then(
  (service) => {
    service.onJobEvent((event) => post({ type: 'event', event }));
    post({ type: 'ready' });
  },
  (error: unknown) => {
    const payload = toErrorPayload(error);
    // The usual cause in development: native modules built for Node, not for Electron's ABI.
    if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(payload.message)) {
      payload.message += ' (rebuild native modules for Electron: RENOVO_ELECTRON_REBUILD=1 npm install)';
    }
    post({ type: 'fatal', error: payload });
  },
);
