// Messages between main and the utility process that hosts core (dist/main/core-process.cjs).
// They travel over Electron's parentPort / UtilityProcess.postMessage (structured clone, so
// Uint8Array payloads arrive intact — no JSON/base64 on this hop).
import type { ApiErrorPayload, ApiMethod, JobEvent } from '../shared/api';

export type MainToCore =
  | { type: 'call'; id: number; method: ApiMethod; input: unknown }
  /** Resolve a library-relative path through the library's own resolve() (renovo:// requests). */
  | { type: 'resolve'; id: number; rel: string }
  | { type: 'shutdown' };

export type CoreToMain =
  | { type: 'ready' }
  | { type: 'fatal'; error: ApiErrorPayload }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ApiErrorPayload }
  | { type: 'event'; event: JobEvent };

export function isCoreToMain(value: unknown): value is CoreToMain {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  switch (type) {
    case 'ready':
      return true;
    case 'fatal':
      return typeof (value as { error?: unknown }).error === 'object';
    case 'result':
      return typeof (value as { id?: unknown }).id === 'number' && typeof (value as { ok?: unknown }).ok === 'boolean';
    case 'event':
      return typeof (value as { event?: unknown }).event === 'object';
    default:
      return false;
  }
}

export function isMainToCore(value: unknown): value is MainToCore {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { type?: unknown; id?: unknown; method?: unknown; rel?: unknown };
  switch (v.type) {
    case 'call':
      return typeof v.id === 'number' && typeof v.method === 'string';
    case 'resolve':
      return typeof v.id === 'number' && typeof v.rel === 'string';
    case 'shutdown':
      return true;
    default:
      return false;
  }
}
