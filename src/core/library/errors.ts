export type LibraryErrorCode =
  | 'OUTSIDE_LIBRARY' // a library-relative path that is malformed or would leave the library
  | 'NOT_FOUND' // the file does not exist
  | 'INVALID_ARGUMENT'; // unknown area, bad extension…

export class LibraryError extends Error {
  override readonly name = 'LibraryError';
  constructor(
    readonly code: LibraryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
