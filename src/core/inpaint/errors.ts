import { CodedError } from '../../shared/errors';

/** Bad input to inpainting; `code` is a stable identifier (MASK_SIZE_MISMATCH, EMPTY_MASK, …). */
export class InpaintError extends CodedError {
  override readonly name = 'InpaintError';
}
