// Kept only for patchmatch.ts, patchmatch-kernels.ts and onion.ts until they import ../random directly.
export { mulberry32 } from '../random';
