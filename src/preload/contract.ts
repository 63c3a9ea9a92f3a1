// Values the preload needs from the RenovoApi contract (src/shared/api.ts), mirrored so the
// sandboxed preload does not bundle zod (~700 kB) for nothing — validation happens in main.
// The type annotations make TypeScript refuse any drift; contract.test.ts checks the values too.
import type {
  ApiMethod,
  IPC_EVENT_CHANNEL as SharedEventChannel,
  IPC_INVOKE_CHANNEL as SharedInvokeChannel,
  LIBRARY_HOST as SharedLibraryHost,
  LIBRARY_PROTOCOL as SharedLibraryProtocol,
} from '../shared/api';

export const PRELOAD_METHODS = {
  getAppInfo: true,
  listPhotos: true,
  importPhoto: true,
  getPhoto: true,
  listEdits: true,
  startInpaint: true,
  cancelJob: true,
  deleteEdit: true,
  exportImage: true,
  listModels: true,
} as const satisfies Record<ApiMethod, true>;

export const IPC_INVOKE_CHANNEL: typeof SharedInvokeChannel = 'renovo:invoke';
export const IPC_EVENT_CHANNEL: typeof SharedEventChannel = 'renovo:job-event';
export const LIBRARY_PROTOCOL: typeof SharedLibraryProtocol = 'renovo';
export const LIBRARY_HOST: typeof SharedLibraryHost = 'library';

/** `renovo://library/<file>` for a library-relative POSIX path, each segment percent-encoded. */
export function libraryUrl(file: string): string {
  const encoded = file
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => encodeURIComponent(s))
    .join('/');
  return `${LIBRARY_PROTOCOL}://${LIBRARY_HOST}/${encoded}`;
}
