// Runtime lists the renderer needs from the RenovoApi contract, without importing the contract's
// zod schemas into the page (they would add ~100 kB and zod's `new Function` probe trips the CSP).
// `satisfies` makes TypeScript refuse any drift from src/shared/api.ts; contract.test.ts checks
// the lists against the runtime ones too.
import type { ApiErrorPayload, ApiMethod, ExportFormat } from '../../../shared/api';

const METHOD_TABLE = {
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

export const CLIENT_API_METHODS = Object.keys(METHOD_TABLE) as ApiMethod[];

export const CLIENT_EXPORT_FORMATS = ['jpeg', 'png', 'webp', 'tiff'] as const satisfies readonly ExportFormat[];

/** A failed call as the renderer sees it: the stable code and readable message from the contract. */
export class ClientApiError extends Error implements ApiErrorPayload {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
