// The one IPC choke point of the desktop app, kept free of Electron imports so it is unit-tested
// in Node (ipc-gate.test.ts). Every renderer call passes here: sender check → payload validation
// (parseApiCall, the shared schema) → dispatch. Replies are envelopes, so the stable error code
// survives IPC (Electron reduces thrown errors to a message string).
import { ApiError, parseApiCall, type ApiErrorPayload, type ApiMethod } from '../shared/api';
import { isAppOrigin } from './protocol-paths';

/** The parts of Electron's IpcMainInvokeEvent the gate looks at. */
export interface InvokeEventLike {
  sender: { id: number };
  senderFrame: { url: string; parent?: unknown } | null;
}

export type InvokeReply = { ok: true; value: unknown } | { ok: false; error: ApiErrorPayload };

export interface InvokeGateDeps {
  /** Id of the app window's webContents, or null when there is no window (then nothing is trusted). */
  trustedWebContentsId(): number | null;
  /** Runs a validated call (main forwards it to the utility process). */
  dispatch(method: ApiMethod, input: unknown): Promise<unknown>;
  /** Where refused calls are reported (main logs them). */
  onRefused?(reason: string): void;
}

/** The sender must be the app window's own webContents, its main frame, showing the app origin. */
export function isTrustedSender(event: InvokeEventLike, trustedId: number | null): boolean {
  if (trustedId === null || event.sender.id !== trustedId) return false;
  const frame = event.senderFrame;
  if (!frame) return false; // frame navigated away or destroyed
  if (frame.parent !== undefined && frame.parent !== null) return false; // subframes never call
  return isAppOrigin(frame.url);
}

export function toErrorPayload(error: unknown): ApiErrorPayload {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as ApiErrorPayload).code === 'string' &&
    typeof (error as ApiErrorPayload).message === 'string'
  ) {
    return { code: (error as ApiErrorPayload).code, message: (error as ApiErrorPayload).message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: message || 'Internal error' };
}

export function createInvokeHandler(deps: InvokeGateDeps) {
  return async (event: InvokeEventLike, method: unknown, payload: unknown): Promise<InvokeReply> => {
    if (!isTrustedSender(event, deps.trustedWebContentsId())) {
      deps.onRefused?.(`IPC from untrusted sender (webContents ${event.sender.id}, ${event.senderFrame?.url ?? 'no frame'})`);
      return { ok: false, error: { code: 'FORBIDDEN', message: 'This caller may not use the Renovo API' } };
    }
    let call: { method: ApiMethod; input: unknown };
    try {
      call = parseApiCall(method, payload);
    } catch (error) {
      deps.onRefused?.(toErrorPayload(error).message);
      return { ok: false, error: toErrorPayload(error) };
    }
    try {
      return { ok: true, value: await deps.dispatch(call.method, call.input) };
    } catch (error) {
      return { ok: false, error: toErrorPayload(error) };
    }
  };
}
