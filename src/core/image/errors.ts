// One error type for every image problem the user can cause (bad file, wrong mask, refused write),
// so the CLI, the bridge and the UI can branch on `code` and show `message` as is.
import { CodedError } from '../../shared/errors';

export type ImageErrorCode =
  | 'NOT_FOUND'
  | 'NOT_AN_IMAGE'
  | 'TRUNCATED'
  | 'TOO_LARGE'
  | 'UNSUPPORTED_FORMAT'
  | 'MASK_SIZE_MISMATCH'
  | 'EMPTY_MASK'
  | 'WRITE_REFUSED'
  | 'IO_FAILED'; // the storage failed (disk full, read-only, I/O error): not the user's input

/** errno codes that mean the disk or filesystem failed, not that the path was wrong. */
const STORAGE_FAULTS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EFBIG']);

export function isStorageFault(code: string | undefined): boolean {
  return code !== undefined && STORAGE_FAULTS.has(code);
}

/** Plain words for a storage fault's errno code. */
export function storageFaultText(code: string): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'EROFS':
      return 'the disk is read-only';
    case 'EFBIG':
      return 'the file is too large for this filesystem';
    default:
      return 'a disk I/O error occurred';
  }
}

export class ImageError extends CodedError<ImageErrorCode> {
  override readonly name = 'ImageError';
  readonly file?: string;

  /** `problem` is the human part; the message becomes "<file>: <problem>" when a file is known. */
  constructor(code: ImageErrorCode, problem: string, file?: string, options?: { cause?: unknown }) {
    super(code, file ? `${file}: ${problem}` : problem, options);
    if (file !== undefined) this.file = file;
  }
}

export function isImageError(e: unknown, code?: ImageErrorCode): e is ImageError {
  return e instanceof ImageError && (code === undefined || e.code === code);
}
