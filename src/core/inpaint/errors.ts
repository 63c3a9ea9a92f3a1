/** Bad input to inpainting; `code` is a stable identifier (MASK_SIZE_MISMATCH, EMPTY_MASK, …). */
export class InpaintError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'InpaintError';
    this.code = code;
  }
}
