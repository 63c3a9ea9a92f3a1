// Imported inpainting models (issue 18): a user's ONNX file checked against a preset I/O
// convention, copied into the library by content hash and recorded as a model version (source
// 'imported', lineage "imported" with the original file name). Nothing is recorded unless the file
// is a loadable ONNX model that fits the preset; a failed record leaves no file behind.
import { basename } from 'node:path';
import { ApiError, MAX_MODEL_FILE_BYTES, type ModelKind } from '../../shared/api';
import { ImageError } from '../image/errors';
import { readImageFile } from '../image/io';
import { INPAINTER_PRESETS, describeSignature, resolveSignature, type CustomConvention, type InpainterPreset, type InpainterSignature } from '../inpaint/imported';
import { InpaintError } from '../inpaint/errors';
import { OnnxFileError, formatDeclared, inspectOnnx, type DeclaredModel } from '../onnx/inspect';
import { Runtime } from '../onnx/runtime';
import { sha256Hex, type Library } from '../library';
import type { ModelVersionRow } from '../store';
import { stem } from './files';
import { resolveInpaintModel } from './inpaint';
import type { WideModelRef } from '../restore/pipeline';

/** The architecture recorded for imported inpainters (generators record their DCGAN's). */
export const INPAINTER_ARCHITECTURE = 'onnx-inpainter';

export function modelKind(row: ModelVersionRow): ModelKind {
  return row.architecture === INPAINTER_ARCHITECTURE ? 'inpainter' : 'generator';
}

/** The signature an imported inpainter runs with, as recorded at import. */
export function inpainterSignature(row: ModelVersionRow): InpainterSignature {
  const s = row.metrics.signature as InpainterSignature | undefined;
  if (modelKind(row) !== 'inpainter' || !s || typeof s !== 'object' || !s.names || !s.feed) {
    throw new ApiError('MODEL_KIND', `model ${row.name} v${row.version} is not an imported inpainting model`);
  }
  return s;
}

/** What a batch stores to fill wide damage with an imported model (checked now: kind, file present). */
export function wideModelRef(library: Library, ref: { modelId: number } | { modelName: string }): WideModelRef {
  const row = resolveInpaintModel(library, { engine: 'onnx', blend: 'normal', dilate: 0, ...ref }) as ModelVersionRow;
  return { id: row.id, name: row.name, version: row.version, sha256: row.sha256, file: library.resolve(row.file), signature: inpainterSignature(row) };
}

export interface ImportInpainterInput {
  /** A file on this machine (CLI) or the bytes the editor's file picker read (with the file's name). */
  source: { path: string } | { bytes: Uint8Array; fileName: string };
  /** 'auto': the first preset the file fits (lama-512, then migan-512); custom is never guessed. */
  preset: InpainterPreset | 'auto';
  custom?: CustomConvention;
  /** Default: the file name without extension (characters other than letters, digits, . _ - become _). */
  name?: string;
}

/** A model name from a file name: `big-lama (1).onnx` → `big-lama__1_`. */
export function modelNameFrom(fileName: string): string {
  const s = stem(fileName).replace(/[^\w.-]/g, '_').slice(0, 64);
  return s.length > 0 && !/^\.+$/.test(s) ? s : 'imported-inpainter';
}

async function readSource(source: ImportInpainterInput['source']): Promise<{ bytes: Uint8Array; fileName: string }> {
  if ('bytes' in source) {
    if (source.bytes.byteLength > MAX_MODEL_FILE_BYTES) throw new ApiError('TOO_LARGE', `${source.fileName}: file is larger than the ${MAX_MODEL_FILE_BYTES / 2 ** 30} GiB limit for ONNX models`);
    return source;
  }
  if (source.path.includes('\0')) throw new ApiError('INVALID_INPUT', 'model path must not contain NUL');
  try {
    return { bytes: await readImageFile(source.path, MAX_MODEL_FILE_BYTES, 'ONNX model'), fileName: basename(source.path) };
  } catch (e) {
    if (!(e instanceof ImageError)) throw e;
    const code = e.code === 'NOT_FOUND' ? 'FILE_NOT_FOUND' : e.code === 'TOO_LARGE' ? 'TOO_LARGE' : 'NOT_A_MODEL_FILE';
    throw new ApiError(code, e.message);
  }
}

function inspect(bytes: Uint8Array, fileName: string): DeclaredModel {
  if (bytes.byteLength === 0) throw new ApiError('NOT_AN_ONNX_MODEL', `${fileName}: the file is empty`);
  try {
    const m = inspectOnnx(bytes, fileName);
    if (m.externalTensors > 0) {
      throw new ApiError('MODEL_EXTERNAL_DATA', `${fileName}: ${m.externalTensors} weight tensor(s) live in separate external-data files; re-export the model as a single .onnx file`);
    }
    return m;
  } catch (e) {
    if (e instanceof OnnxFileError) throw new ApiError(e.code === 'TRUNCATED' ? 'TRUNCATED' : 'NOT_AN_ONNX_MODEL', e.message);
    throw e;
  }
}

/** The signature for `preset`, or with 'auto' for the first preset that fits (custom is never guessed). */
function pickSignature(declared: DeclaredModel, fileName: string, preset: InpainterPreset | 'auto', custom: CustomConvention | undefined): InpainterSignature {
  const tries = preset === 'auto' ? INPAINTER_PRESETS.filter((p) => p !== 'custom') : [preset];
  const refusals: string[] = [];
  for (const p of tries) {
    try {
      return resolveSignature(declared, fileName, p, custom);
    } catch (e) {
      if (!(e instanceof InpaintError)) throw e;
      refusals.push(e.message);
    }
  }
  const hint = preset === 'auto' ? ' — no preset fits; describe it with preset custom (size, channel order, value ranges, mask polarity)' : '';
  throw new ApiError('MODEL_SIGNATURE', `${refusals.join('; and ')}${hint}`);
}

/** onnxruntime must load it (ops it knows, weights all there) before it is recorded. */
async function checkLoads(bytes: Uint8Array, sha256: string, fileName: string): Promise<void> {
  const runtime = new Runtime({ provider: 'cpu', threads: 1, spin: false });
  try {
    await runtime.compile({ bytes, hash: sha256, inputs: [], outputs: [] });
  } catch (e) {
    throw new ApiError('MODEL_UNLOADABLE', `${fileName}: onnxruntime cannot load this model (${(e as Error).message.split('\n')[0]})`);
  } finally {
    await runtime.release().catch(() => undefined);
  }
}

/**
 * Imports an inpainting model. Refusals (ApiError): FILE_NOT_FOUND, NOT_A_MODEL_FILE (folder, pipe,
 * device), TOO_LARGE, NOT_AN_ONNX_MODEL, TRUNCATED, MODEL_EXTERNAL_DATA, MODEL_SIGNATURE (expected and
 * found shapes), MODEL_UNLOADABLE, MODEL_DUPLICATE (same content already imported), MODEL_NAME_TAKEN.
 */
export async function importInpainter(library: Library, input: ImportInpainterInput): Promise<ModelVersionRow> {
  if (input.preset !== 'auto' && !INPAINTER_PRESETS.includes(input.preset)) throw new ApiError('INVALID_INPUT', `unknown preset '${String(input.preset)}' (expected auto, ${INPAINTER_PRESETS.join(', ')})`);
  const { bytes, fileName } = await readSource(input.source);
  const declared = inspect(bytes, fileName);
  const signature = pickSignature(declared, fileName, input.preset, input.custom);
  const sha256 = sha256Hex(bytes);
  const { models } = library.store;
  const refuseDuplicate = (): void => {
    const same = models.list().find((r) => r.sha256 === sha256);
    if (same) throw new ApiError('MODEL_DUPLICATE', `${fileName} is already in the library as ${same.name} v${same.version} (#${same.id})`);
  };
  refuseDuplicate();
  const name = input.name ?? modelNameFrom(fileName);
  if (!/^[\w.-]{1,64}$/.test(name)) throw new ApiError('INVALID_INPUT', `model name '${name}' must be 1-64 letters, digits, ".", "_" or "-"`);
  const sameName = models.list().filter((r) => r.name === name);
  if (sameName.some((r) => modelKind(r) !== 'inpainter')) throw new ApiError('MODEL_NAME_TAKEN', `the name '${name}' belongs to a generator model; choose another name`);
  await checkLoads(bytes, sha256, fileName);

  // Copy first (content-addressed, atomic), then record in one transaction; undo the copy on failure.
  const file = library.putBytes('models', bytes, 'onnx');
  try {
    return library.store.transaction(() => (refuseDuplicate(), models.add({
      name,
      version: (models.findByName(name)?.version ?? 0) + 1,
      architecture: INPAINTER_ARCHITECTURE,
      file,
      sha256,
      parentId: null,
      source: 'imported',
      metrics: {
        kind: 'inpainter',
        lineage: 'imported',
        originalFileName: fileName.replace(/[\u0000-\u001f\u007f]/g, '_'),
        byteSize: bytes.byteLength,
        preset: signature.preset,
        signature,
        summary: describeSignature(signature),
        declared: { irVersion: declared.irVersion, producer: declared.producer, opsets: declared.opsets, inputs: declared.inputs.map(formatDeclared), outputs: declared.outputs.map(formatDeclared) },
      },
    })));
  } catch (e) {
    if (!models.list().some((r) => r.file === file)) library.remove(file);
    throw e;
  }
}
