// RenovoApi in the desktop app: `window.renovo`, exposed by the sandboxed preload over IPC.
// The preload rejects with a plain {code, message} (Error objects lose fields across contextBridge);
// this wrapper turns those back into ApiError.
import type { RenovoApi } from '../../../shared/contract';
import { API_METHODS } from '../../../shared/contract';
import { rejectionToApiError } from './errors';

declare global {
  interface Window {
    renovo?: RenovoApi;
  }
}

export function createDesktopClient(bridge: RenovoApi): RenovoApi {
  const api: Record<string, unknown> = {
    onJobEvent: (listener: Parameters<RenovoApi['onJobEvent']>[0]) => bridge.onJobEvent(listener),
    libraryUrl: (file: string) => bridge.libraryUrl(file),
  };
  for (const method of API_METHODS) {
    const fn = bridge[method] as (input: unknown) => Promise<unknown>;
    api[method] = async (input: unknown) => {
      try {
        return await fn(input);
      } catch (reason) {
        throw rejectionToApiError(reason);
      }
    };
  }
  return api as unknown as RenovoApi;
}
