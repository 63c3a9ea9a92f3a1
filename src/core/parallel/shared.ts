// Typed arrays that can live in shared memory (for kernel workers); no other imports, so any
// module can use it without import cycles.

/** Allocates a typed array on a SharedArrayBuffer when `shared`, else an ordinary one. */
export function alloc<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(ctor: { new (b: ArrayBufferLike): T; BYTES_PER_ELEMENT: number }, n: number, shared: boolean): T {
  return new ctor(shared ? new SharedArrayBuffer(n * ctor.BYTES_PER_ELEMENT) : new ArrayBuffer(n * ctor.BYTES_PER_ELEMENT));
}
