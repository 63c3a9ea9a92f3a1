// The one shape of an error a caller can act on: a stable `code` to branch on and a `message` to
// show as is. Every coded error in core (and ApiError on the wire) extends it. No runtime
// dependencies, so the preload and the page can import it too.

export class CodedError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
