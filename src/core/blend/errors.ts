/** Bad input to the Poisson solver or blender; `code` is a stable identifier for callers. */
export class PoissonError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'PoissonError';
    this.code = code;
  }
}
