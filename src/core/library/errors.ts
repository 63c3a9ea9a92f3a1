import { CodedError } from '../../shared/errors';

export type LibraryErrorCode =
  | 'OUTSIDE_LIBRARY' // a library-relative path that is malformed or would leave the library
  | 'NOT_FOUND' // the file does not exist
  | 'INVALID_ARGUMENT'; // unknown area, bad extension…

export class LibraryError extends CodedError<LibraryErrorCode> {
  override readonly name = 'LibraryError';
}
