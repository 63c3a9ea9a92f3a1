import { CodedError } from '../../shared/errors';

/** Bad input to the Poisson solver or blender; `code` is a stable identifier for callers. */
export class PoissonError extends CodedError {
  override readonly name = 'PoissonError';
}
