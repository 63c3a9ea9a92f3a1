// Shipped models (models/<name>/ with manifest.json, G/D fp16 safetensors) registered as model
// versions with source 'shipped' the first time a library is opened with them. Each becomes one
// library file (G and D in one safetensors, as trained versions are stored), so fine-tuning and
// the semantic engine read every version the same way. Parents (manifest.parent) are registered
// first and linked. Registration is idempotent: a shipped version whose file hash is already
// recorded under its name is skipped; a changed shipped model becomes the next version.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findAppRoot } from '../platform/paths';
import type { Library } from '../library';
import type { ModelVersionRow } from '../store';
import { MANIFEST_FORMAT, type ShippedManifest } from '../train/ship';
import { MODEL_FILE_EXT, decodeModelFile, encodeModelFile } from '../train/modelfile';
import { sha256Hex } from '../library';
import { modelKind } from './inpainters';
import { modelEncoderSource } from '../train/session';
import { loadEncoderSource } from '../train/zencoder';
import { generatorDigest } from '../nets/zencoder';

/**
 * `$RENOVO_MODELS_DIR`, else `<resources>/models` in a packaged app (electron-builder extraResources),
 * else `<app root>/models` (development checkout), else null.
 */
export function defaultShippedModelsDir(): string | null {
  if (process.env.RENOVO_MODELS_DIR) return process.env.RENOVO_MODELS_DIR;
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources && existsSync(join(resources, 'models'))) return join(resources, 'models');
  try {
    const dir = join(findAppRoot(), 'models');
    return existsSync(dir) ? dir : null;
  } catch {
    return null;
  }
}

export interface ShippedModelInfo {
  dir: string;
  manifest: ShippedManifest;
}

export function readShippedModels(modelsDir: string): ShippedModelInfo[] {
  if (!existsSync(modelsDir)) return [];
  const out: ShippedModelInfo[] = [];
  for (const name of readdirSync(modelsDir).sort()) {
    const p = join(modelsDir, name, 'manifest.json');
    if (!existsSync(p)) continue;
    const manifest = JSON.parse(readFileSync(p, 'utf8')) as ShippedManifest;
    if (manifest.format !== MANIFEST_FORMAT) continue;
    out.push({ dir: join(modelsDir, name), manifest });
  }
  // parents first
  const order: ShippedModelInfo[] = [];
  const seen = new Set<string>();
  const visit = (m: ShippedModelInfo, depth = 0): void => {
    if (seen.has(m.manifest.name) || depth > out.length) return;
    const parent = m.manifest.parent && out.find((x) => x.manifest.name === m.manifest.parent?.name);
    if (parent) visit(parent, depth + 1);
    seen.add(m.manifest.name);
    order.push(m);
  };
  out.forEach((m) => visit(m));
  return order;
}

/** A shipped model that is not a generator (e.g. the damage detector): listed, not registered. */
export interface ShippedToolModel {
  dir: string;
  name: string;
  kind: string;
  arch: string;
  steps: number | null;
  createdAt: string;
}

/** Shipped models whose manifest is not a DCGAN's (`format` renovo-detector-model/1 and the like). */
export function readShippedToolModels(modelsDir: string | null = defaultShippedModelsDir()): ShippedToolModel[] {
  if (!modelsDir || !existsSync(modelsDir)) return [];
  const out: ShippedToolModel[] = [];
  for (const name of readdirSync(modelsDir).sort()) {
    const p = join(modelsDir, name, 'manifest.json');
    if (!existsSync(p)) continue;
    try {
      const m = JSON.parse(readFileSync(p, 'utf8')) as { format?: string; name?: string; kind?: string; architecture?: { spec?: { arch?: string } }; training?: { steps?: number }; createdAt?: string };
      if (m.format === MANIFEST_FORMAT || !m.kind) continue;
      out.push({ dir: join(modelsDir, name), name: m.name ?? name, kind: m.kind, arch: m.architecture?.spec?.arch ?? '?', steps: m.training?.steps ?? null, createdAt: m.createdAt ?? '' });
    } catch {
      // an unreadable manifest is reported by whoever loads the model
    }
  }
  return out;
}

function checkedFile(dir: string, m: ShippedManifest, file: string): Uint8Array {
  const bytes = new Uint8Array(readFileSync(join(dir, file)));
  const want = m.files[file]?.sha256;
  if (want && sha256Hex(bytes) !== want) throw new Error(`shipped model ${m.name}: ${file} does not match the sha256 in its manifest`);
  return bytes;
}

/** Registers shipped models not yet in the library; returns the rows added. */
export function registerShippedModels(library: Library, modelsDir: string | null = defaultShippedModelsDir()): ModelVersionRow[] {
  if (!modelsDir) return [];
  const { models } = library.store;
  const added: ModelVersionRow[] = [];
  for (const { dir, manifest: m } of readShippedModels(modelsDir)) {
    const g = decodeModelFile(checkedFile(dir, m, 'G.safetensors'), `${m.name}/G.safetensors`);
    const d = decodeModelFile(checkedFile(dir, m, 'D.safetensors'), `${m.name}/D.safetensors`);
    const bytes = encodeModelFile(g.spec, new Map([...g.weights, ...d.weights]), { dtype: 'F16', metadata: { 'renovo.name': m.name, 'renovo.shipped': 'true' } });
    const sha = sha256Hex(bytes);
    const existing = models.list().filter((r) => r.name === m.name);
    if (existing.some((r) => r.sha256 === sha)) continue;
    const file = library.putBytes('models', bytes, MODEL_FILE_EXT);
    const sample = existsSync(join(dir, 'sample.png')) ? library.putBytes('models', new Uint8Array(readFileSync(join(dir, 'sample.png'))), 'png') : null;
    const parent = m.parent ? models.list().filter((r) => r.name === m.parent?.name && r.source === 'shipped').pop() : undefined;
    added.push(
      models.add({
        name: m.name,
        version: (existing.at(-1)?.version ?? 0) + 1,
        architecture: m.architecture.arch,
        file,
        sha256: sha,
        parentId: parent?.id ?? null,
        source: 'shipped',
        metrics: {
          spec: g.spec, sample, shippedDir: dir, steps: m.training.steps, epochs: m.training.epochs, wallMs: m.training.wallTimeMs,
          hyper: m.training.hyper, command: m.training.command,
          dataset: { path: m.data.folder, imageCount: m.data.imageCount, contentHash: m.data.contentHash, description: m.data.description },
          description: m.samples.description,
        },
      }),
    );
  }
  return added;
}

export interface ExportedModel {
  dir: string;
  files: Record<string, { sha256: string; bytes: number }>;
}

/**
 * Writes a model version to a folder: G.safetensors and D.safetensors (as stored: fp32 for trained
 * versions, fp16 for shipped ones), a standalone generator.onnx (batch 1), the sample grid and a
 * manifest.json with the version row, its lineage and the training runs that produced it.
 */
export async function exportModelVersion(library: Library, row: ModelVersionRow, outDir: string): Promise<ExportedModel> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  if (modelKind(row) === 'inpainter') {
    // an imported model leaves as it came: its .onnx file and a manifest with what it was imported as
    await mkdir(outDir, { recursive: true });
    const bytes = new Uint8Array(library.readBytes(row.file));
    await writeFile(join(outDir, 'model.onnx'), bytes);
    const files = { 'model.onnx': { sha256: sha256Hex(bytes), bytes: bytes.length } };
    await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify({ format: 'renovo-exported-model/1', model: row, files, exportedAt: new Date().toISOString() }, null, 2)}\n`);
    return { dir: outDir, files };
  }
  const { Graph } = await import('../onnx/graph');
  const { exportInferenceModel } = await import('../onnx/export');
  const { dcganGenerator } = await import('../nets/dcgan');
  const m = decodeModelFile(new Uint8Array(library.readBytes(row.file)), `model ${row.name} v${row.version}`);
  const dtype = row.source === 'shipped' ? 'F16' : 'F32';
  await mkdir(outDir, { recursive: true });
  const files: ExportedModel['files'] = {};
  const put = async (name: string, bytes: Uint8Array): Promise<void> => {
    await writeFile(join(outDir, name), bytes);
    files[name] = { sha256: sha256Hex(bytes), bytes: bytes.length };
  };
  const meta = { 'renovo.name': row.name, 'renovo.version': String(row.version) };
  await put('G.safetensors', encodeModelFile(m.spec, m.weights, { dtype, prefix: 'G.', metadata: meta }));
  await put('D.safetensors', encodeModelFile(m.spec, m.weights, { dtype, prefix: 'D.', metadata: meta }));
  const g = new Graph(`${row.name}_generator`);
  g.output('image', dcganGenerator(g, g.input('z', [1, m.spec.nz, 1, 1]), { ...m.spec, bn: 'running' }).out);
  await put('generator.onnx', exportInferenceModel(g, new Map([...m.weights].filter(([k]) => k.startsWith('G.'))), { docString: `Renovo ${row.name} v${row.version}` }).bytes);
  const sample = typeof row.metrics.sample === 'string' ? row.metrics.sample : null;
  if (sample && library.exists(sample)) await put('sample.png', new Uint8Array(library.readBytes(sample)));
  // the version's z-encoder travels with it when it fits this generator (E.safetensors as zencoder.ts writes it)
  const enc = await versionEncoder(library, row, m.weights).catch(() => null);
  if (enc?.fits) await put('E.safetensors', new Uint8Array(readFileSync(enc.file)));
  const runs = library.store.trainingRuns.list().filter((r) => r.resultModelId === row.id);
  const manifest = {
    format: 'renovo-exported-model/1', model: row, spec: m.spec, lineage: library.store.models.lineage(row.id).map((r) => ({ id: r.id, name: r.name, version: r.version, source: r.source, sha256: r.sha256 })),
    trainingRuns: runs, files, exportedAt: new Date().toISOString(),
  };
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir: outDir, files };
}

/** A version's z-encoder file and whether it fits the version's generator; null when it has none. Throws when it cannot be read. */
async function versionEncoder(library: Library, row: ModelVersionRow, gWeights: ReadonlyMap<string, Float32Array>): Promise<{ file: string; sha256: string; fits: boolean } | null> {
  const src = modelEncoderSource(library, row);
  const enc = src && (await loadEncoderSource(src));
  if (!src || !enc) return null;
  return { file: 'dir' in src ? join(src.dir, 'E.safetensors') : src.file, sha256: enc.sha256, fits: enc.generatorDigest === generatorDigest(gWeights) };
}

/** One line on a generator version's z-encoder, for `renovo models show`: whether GAN fills with it start warm, and why not. */
export async function encoderStatus(library: Library, row: ModelVersionRow): Promise<string> {
  if (modelKind(row) !== 'generator') return 'not used (an imported inpainter)';
  const m = decodeModelFile(new Uint8Array(library.readBytes(row.file)), `model ${row.name} v${row.version}`);
  let enc;
  try {
    enc = await versionEncoder(library, row, m.weights);
  } catch (e) {
    return `unusable (${(e as Error).message}): GAN fills start from random latents`;
  }
  if (!enc) return 'none: GAN fills start from random latents (slow)';
  if (!enc.fits) return "none for this version (the shipped folder's encoder fits a newer generator): GAN fills start from random latents";
  const rec = row.metrics.encoder as { steps?: number; wallMs?: number; parentSha256?: string | null } | undefined;
  if (rec) return `adapted by its fine-tune (${rec.steps} steps, ${Math.max(1, Math.round((rec.wallMs ?? 0) / 1000))} s${rec.parentSha256 ? `, from encoder ${rec.parentSha256.slice(0, 12)}…` : ''}), sha256 ${enc.sha256.slice(0, 12)}…`;
  return `shipped (${enc.file}), sha256 ${enc.sha256.slice(0, 12)}…`;
}

/**
 * Deletes a model version row and its weights file (unless another version shares the same
 * content). Shipped versions come back on the next start unless their folder is removed.
 */
export function deleteModelVersion(library: Library, row: ModelVersionRow): void {
  const { models } = library.store;
  models.delete(row.id);
  const others = models.list();
  if (!others.some((r) => r.file === row.file)) library.remove(row.file);
  const sample = typeof row.metrics.sample === 'string' ? row.metrics.sample : null;
  if (sample && !others.some((r) => r.metrics.sample === sample)) library.remove(sample);
  const encoder = adaptedEncoderFile(row);
  if (encoder && !others.some((r) => adaptedEncoderFile(r) === encoder)) library.remove(encoder);
}

/** The library file of the z-encoder a fine-tune adapted for this version, if any. */
function adaptedEncoderFile(row: ModelVersionRow): string | null {
  const e = row.metrics.encoder as { file?: unknown } | undefined;
  return typeof e?.file === 'string' ? e.file : null;
}
