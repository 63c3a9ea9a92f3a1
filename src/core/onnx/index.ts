/**
 * Renovo graph runtime: build static NCHW float32 graphs, differentiate them into ONNX gradient
 * graphs, serialise to ONNX (opset 17) and run them with onnxruntime-node.
 *
 *   const g = new Graph('net');
 *   const x = g.input('x', [N, 3, 64, 64]);
 *   const w = g.param('conv.weight', [16, 3, 4, 4]);
 *   const loss = reduceMean(relu(conv(x, w, null, { stride: 2, padding: 1 })));
 *   const [dw] = grad(loss, [w]);
 *   g.output('loss', loss); g.output('dw', dw);
 *   const run = await new Runtime({ threads: 2 }).compile(serialize(g));
 *   const { loss: l, dw: d } = await run.run({ x: xData, 'conv.weight': wData });
 */
export { Graph, GraphError, Tensor, sizeOf, type DType, type Node, type Params, type Shape } from './graph';
export * from './ops';
export { grad, type GradOptions } from './autodiff';
export { VJP_RULES, type VjpRule } from './vjp';
export { SHAPE_RULES, broadcastShapes } from './shape';
export { serialize, OPSET, IR_VERSION, type SerializeOptions, type SerializedModel } from './serialize';
export { Runtime, CompiledGraph, planProviders, type ProviderChoice, type RuntimeOptions, type Feeds, type Outputs } from './runtime';
export {
  encodeSafetensors, decodeSafetensors, saveSafetensors, loadSafetensors,
  type NamedTensor, type SafetensorsEntry, type StorageDType, type DecodedSafetensors, type EncodeOptions,
} from './safetensors';
export { f32ToF16, f16ToF32, toHalf, fromHalf } from './fp16';
export { Adam, AdamW, SGD, type Optimizer, type AdamOptions, type SgdOptions, type ParamSet, type GradSet } from './optim';
export { exportInferenceModel, writeInferenceModel, type ExportOptions } from './export';
