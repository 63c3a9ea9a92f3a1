/**
 * Export a trained network as a standalone ONNX inference model: every param (and any other
 * input given a value, e.g. BN running statistics) becomes an initializer, so the file runs in
 * any ONNX tool with only the real inputs (z, images, masks) to feed.
 */
import { writeFile } from 'node:fs/promises';
import { GraphError, type Graph } from './graph';
import { serialize, type SerializedModel } from './serialize';

export interface ExportOptions {
  /** Outputs to keep (default: all graph outputs); gradient outputs should be left out. */
  outputs?: readonly string[];
  docString?: string;
}

export function exportInferenceModel(graph: Graph, weights: ReadonlyMap<string, Float32Array>, opts: ExportOptions = {}): SerializedModel {
  for (const p of graph.params) {
    if (!weights.has(p.name)) throw new GraphError(`export: no value for parameter '${p.name}' (shape [${p.shape.join(',')}])`);
  }
  return serialize(graph, { outputs: opts.outputs, initializers: weights, producer: 'renovo-export', docString: opts.docString });
}

export async function writeInferenceModel(path: string, graph: Graph, weights: ReadonlyMap<string, Float32Array>, opts: ExportOptions = {}): Promise<SerializedModel> {
  const m = exportInferenceModel(graph, weights, opts);
  await writeFile(path, m.bytes);
  return m;
}
