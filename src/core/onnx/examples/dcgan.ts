/**
 * The DCGAN used by the autodiff tests and the benchmark is the product architecture in
 * src/core/nets/dcgan.ts (64×64 by default, PyTorch DCGAN parameter names); re-exported here so
 * the examples keep one import path.
 */
export * from '../../nets/dcgan';
