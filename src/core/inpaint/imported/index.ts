// Imported inpainting models (issue 18): presets for the published I/O conventions, the signature
// check done at import, and the 'onnx' engine that runs one on each crop.
export { INPAINTER_PRESETS, PRESETS, VALUE_RANGES, OUTPUT_RANGES, MASK_RANGES, MASK_POLARITIES, CHANNEL_ORDERS, type InpainterPreset, type CustomConvention, type PixelConvention, type ValueRange, type OutputRange, type MaskRange, type MaskPolarity, type ChannelOrder } from './presets';
export { resolveSignature, describeSignature, type InpainterSignature, type FeedSize } from './signature';
export { fillCropWithModel, fitCropsToModel, onnxSession, onnxMargin, ONNX_CROP_MARGIN, type OnnxInpainter, type OnnxCropReport } from './engine';
export { planFeed, encodeCrop, decodeOutput, type FeedPlan } from './feed';
