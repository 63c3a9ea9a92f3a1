// Errors the batch runner raises for problems the user can fix (folders, options).
import { CodedError } from '../../shared/errors';

export type RestoreErrorCode = 'BAD_FOLDERS' | 'NOT_A_FOLDER' | 'BAD_OPTIONS';

export class RestoreError extends CodedError<RestoreErrorCode> {
  override readonly name = 'RestoreError';
}
