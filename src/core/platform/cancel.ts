// Cancellation primitives shared by every cancellable kernel and engine (blend, inpaint, restore, jobs).

/** An Error whose name is 'AbortError', as thrown by fetch and other DOM-style cancellable work. */
export function abortError(message = 'The operation was aborted'): Error {
  const err = new Error(message);
  err.name = 'AbortError';
  return err;
}

/** Throws an AbortError when the signal has fired. Cheap: call it every few thousand pixels. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}
