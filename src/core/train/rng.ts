// Moved to src/core/random.ts (class Rng); re-exported here only until scripts/ship-detector.ts and
// scripts/train-detector.ts import it from there.
export { Rng as SplitRng } from '../random';
