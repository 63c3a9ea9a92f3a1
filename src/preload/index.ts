// Sandboxed preload: exposes exactly the RenovoApi methods (one per API_METHODS entry) plus
// onJobEvent and libraryUrl as `window.renovo`. Fully bundled — a sandboxed preload can only
// require 'electron'. Payloads are validated in main (ipc-gate.ts), not trusted here.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
// Imports only ../shared/contract, which has no runtime dependencies (zod stays out of the preload).
import {
  API_METHODS,
  IPC_EVENT_CHANNEL,
  IPC_INVOKE_CHANNEL,
  libraryProtocolUrl,
  type ApiErrorPayload,
  type ApiMethod,
  type JobEvent,
} from '../shared/contract';

type InvokeReply = { ok: true; value: unknown } | { ok: false; error: ApiErrorPayload };

async function invoke(method: ApiMethod, input: unknown): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input)) as InvokeReply;
  if (reply && reply.ok) return reply.value;
  // A plain object survives the contextBridge intact (Error objects lose their fields);
  // the renderer's desktop client turns it back into an ApiError.
  const error: ApiErrorPayload = reply?.error ?? { code: 'INTERNAL', message: 'No reply from Renovo' };
  throw { code: String(error.code), message: String(error.message) };
}

const api: Record<string, unknown> = {};
for (const method of API_METHODS) {
  api[method] = (input: unknown) => invoke(method, input);
}

api.onJobEvent = (listener: (event: JobEvent) => void): (() => void) => {
  if (typeof listener !== 'function') throw new TypeError('onJobEvent needs a function');
  const relay = (_event: IpcRendererEvent, jobEvent: JobEvent) => listener(jobEvent);
  ipcRenderer.on(IPC_EVENT_CHANNEL, relay);
  return () => {
    ipcRenderer.removeListener(IPC_EVENT_CHANNEL, relay);
  };
};

api.libraryUrl = (file: string): string => libraryProtocolUrl(String(file));

contextBridge.exposeInMainWorld('renovo', Object.freeze(api));
