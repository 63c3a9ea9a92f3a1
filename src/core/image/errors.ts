// One error type for every image problem the user can cause (bad file, wrong mask, refused write),
// so the CLI, the bridge and the UI can branch on `code` and show `message` as is.

export type ImageErrorCode =
  | 'NOT_FOUND'
  | 'NOT_AN_IMAGE'
  | 'TRUNCATED'
  | 'TOO_LARGE'
  | 'UNSUPPORTED_FORMAT'
  | 'MASK_SIZE_MISMATCH'
  | 'EMPTY_MASK'
  | 'WRITE_REFUSED';

export class ImageError extends Error {
  readonly code: ImageErrorCode;
  readonly file?: string;

  /** `problem` is the human part; the message becomes "<file>: <problem>" when a file is known. */
  constructor(code: ImageErrorCode, problem: string, file?: string, options?: { cause?: unknown }) {
    super(file ? `${file}: ${problem}` : problem, options);
    this.name = 'ImageError';
    this.code = code;
    if (file !== undefined) this.file = file;
  }
}

export function isImageError(e: unknown, code?: ImageErrorCode): e is ImageError {
  return e instanceof ImageError && (code === undefined || e.code === code);
}
