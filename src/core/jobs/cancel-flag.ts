// Prompt cancellation inside synchronous kernels. A kernel polls `signal.aborted` every few
// thousand pixels, but a worker busy in such a loop never processes the 'cancel' message until the
// loop yields. So each worker shares one Int32 with the main thread: the runner sets it to 1 from
// its own thread, and the worker's signal consults it on every `aborted` read.

export function createCancelFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

export function setCancelFlag(flag: Int32Array, value: 0 | 1): void {
  Atomics.store(flag, 0, value);
}

const nativeAborted = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')!.get!;

/** Makes `controller.signal.aborted` also become true (and abort the controller) once the flag is set. */
export function linkCancelFlag(controller: AbortController, flag: Int32Array): void {
  const signal = controller.signal;
  Object.defineProperty(signal, 'aborted', {
    configurable: true,
    get(): boolean {
      if (nativeAborted.call(signal)) return true;
      if (Atomics.load(flag, 0) === 1) {
        controller.abort(); // fires 'abort' listeners and sets signal.reason
        return true;
      }
      return false;
    },
  });
}
