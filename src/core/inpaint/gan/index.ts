// Semantic inpainting by latent optimisation (issue 7): see engine.ts.
export { ganInpaint, ganSession, defaultGanRuntime, GAN_DEFAULTS, GAN_REFINES, GAN_STARTS, NO_ENCODER_NOTICE, type GanStart, type GanRefine, type GanModel, type GanParams, type GanProgress, type GanInpaintOptions, type GanInpaintResult, type GanHoleReport, type FillPreview } from './engine';
export { optimizeLatent, type ZOptOptions, type ZOptResult, type ZOptProgress, type ZProblem } from './zopt';
export { importanceWeights, contextWeights, CONTEXT_LOSSES, type ContextLoss } from './weights';
export { buildGanZGraph, serializeGanZGraph, type ZGraphOptions } from './graph';
export { planWindow, windowToModel, modelToWindow, type WindowOptions } from './window';
export { checkEncoder, encodeWindow, encoderSession, warmStarts, type GanEncoder } from './encoder';
