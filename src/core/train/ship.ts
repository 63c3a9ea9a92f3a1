/**
 * Packaging a trained checkpoint as a shipped model folder (models/<name>/):
 *   G.safetensors, D.safetensors   fp16 weights (params + BN running statistics), Renovo metadata
 *   generator.onnx                 standalone inference generator (z [1, nz, 1, 1] → image [1, 3, R, R]
 *                                  in [-1, 1]), weights baked in, the same fp16-rounded values
 *   sample.png                     8×8 grid from fixed latents (seeded), made from the fp16 weights
 *   manifest.json                  sha256 and size of every file, architecture, data description
 *                                  (folder, image count, content hash), training command, steps,
 *                                  epochs, wall time, dates, hyper-parameters, parent model
 *   README.md                      what the model is and, honestly, what its samples look like
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeInferenceModel } from '../onnx/export';
import { f16ToF32, f32ToF16 } from '../onnx/fp16';
import { Graph } from '../onnx/graph';
import type { Runtime } from '../onnx/runtime';
import { dcganGenerator, type DcganSpec } from '../nets/dcgan';
import { loadCheckpoint } from './checkpoint';
import { generateImages, recalibrateGeneratorBn } from './gan';
import { writeGridPng } from './grid';
import { fixedLatents } from './loop';
import { encodeModelFile } from './modelfile';

export const MANIFEST_FORMAT = 'renovo-shipped-model/1';

export interface ShippedManifest {
  format: typeof MANIFEST_FORMAT;
  name: string;
  architecture: DcganSpec & { family: 'DCGAN (Radford et al. 2016)'; gParams: number; dParams: number };
  files: Record<string, { sha256: string; bytes: number; what: string }>;
  data: {
    folder: string; imageCount: number; contentHash: string; description: string;
    /** Images of the folder never shown to the trainer, kept for evaluation (bench/zopt). */
    heldOut?: { percent: number; rule: string; count: number; files: string[] };
  };
  training: {
    command: string;
    steps: number;
    epochs: number;
    wallTimeMs: number;
    wallTime: string;
    hyper: Record<string, unknown>;
    checkpoint: string;
    checkpointSavedAt: string;
    trainer: string;
    machine: string;
    /** What the exporter changed after training. */
    export: string;
  };
  parent: { name: string; gSha256: string } | null;
  samples: { file: 'sample.png'; latents: string; description: string };
  createdAt: string;
}

export interface ShipOptions {
  runtime: Runtime;
  /** Checkpoint folder or run folder (newest checkpoint is used). */
  checkpoint: string;
  name: string;
  /** Parent folder of models/<name>/. */
  modelsDir: string;
  /** Honest description of what the samples look like. */
  description: string;
  /** Human description of the training data (what the folder holds). */
  dataDescription: string;
  /** Folder name to record instead of the absolute path (e.g. '../shared/data/landscapes'). */
  dataFolder?: string;
  /** Exact command that trained it (default: the one recorded in the checkpoint). */
  command?: string;
  parent?: string;
  trainer?: string;
  machine?: string;
  onnx?: boolean;
  /** Recompute G's BN running statistics from 32 batches of 64 random latents (default true; see recalibrateGeneratorBn). */
  recalibrateBn?: boolean;
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const fp16Round = (w: Map<string, Float32Array>): Map<string, Float32Array> => new Map([...w].map(([k, v]) => [k, f16ToF32(f32ToF16(v))]));
const hms = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m ${String(s % 60).padStart(2, '0')}s`;
};

export async function shipModel(o: ShipOptions): Promise<{ dir: string; manifest: ShippedManifest }> {
  if (!/^[\w.-]{1,64}$/.test(o.name)) throw new Error(`model name '${o.name}' must be 1-64 letters, digits, '.', '_' or '-'`);
  const ck = await loadCheckpoint(o.checkpoint);
  const { spec, hyper } = ck.state;
  const recalibrate = o.recalibrateBn !== false;
  const weights = fp16Round(recalibrate ? await recalibrateGeneratorBn(o.runtime, spec, ck.weights, { batches: 32, batch: 64, seed: 12345 }) : ck.weights);
  const final = join(o.modelsDir, o.name);
  const dir = `${final}.tmp-${process.pid}`;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const files: ShippedManifest['files'] = {};
  const put = async (file: string, bytes: Uint8Array, what: string): Promise<void> => {
    await writeFile(join(dir, file), bytes);
    files[file] = { sha256: sha(bytes), bytes: bytes.length, what };
  };
  const meta = { 'renovo.name': o.name };
  const gBytes = encodeModelFile(spec, weights, { dtype: 'F16', prefix: 'G.', metadata: meta });
  await put('G.safetensors', gBytes, 'generator weights and BN running statistics, fp16');
  await put('D.safetensors', encodeModelFile(spec, weights, { dtype: 'F16', prefix: 'D.', metadata: meta }), 'discriminator weights and BN running statistics, fp16');
  if (o.onnx !== false) {
    const g = new Graph(`${o.name}_generator`);
    g.output('image', dcganGenerator(g, g.input('z', [1, spec.nz, 1, 1]), { ...spec, bn: 'running' }).out);
    const gw = new Map([...weights].filter(([k]) => k.startsWith('G.')));
    await writeInferenceModel(join(dir, 'generator.onnx'), g, gw, { docString: `Renovo ${o.name}: DCGAN generator z[1,${spec.nz},1,1] ~ N(0,1) -> image[1,${spec.nc},${spec.resolution},${spec.resolution}] in [-1,1]` });
    const bytes = new Uint8Array(await readFile(join(dir, 'generator.onnx')));
    files['generator.onnx'] = { sha256: sha(bytes), bytes: bytes.length, what: 'standalone ONNX inference generator (opset 17), batch 1, fp32 weights baked in (fp16-rounded values)' };
  }
  const n = 64;
  const latentSeed = hyper.seed;
  const img = await generateImages(o.runtime, spec, weights, fixedLatents(latentSeed, n, spec.nz));
  await writeGridPng(join(dir, 'sample.png'), img, n, spec.nc, spec.resolution, { palette: spec.resolution > 64 });
  const sb = new Uint8Array(await readFile(join(dir, 'sample.png')));
  files['sample.png'] = { sha256: sha(sb), bytes: sb.length, what: `8×8 sample grid from fixed latents${spec.resolution > 64 ? ' (256-colour palette)' : ''}` };

  let parent: ShippedManifest['parent'] = null;
  if (o.parent) {
    const pm = JSON.parse(await readFile(join(o.modelsDir, o.parent, 'manifest.json'), 'utf8')) as ShippedManifest;
    parent = { name: o.parent, gSha256: pm.files['G.safetensors'].sha256 };
  }
  const count = (p: string): number => [...weights].filter(([k]) => k.startsWith(p) && !k.includes('running_')).reduce((s, [, v]) => s + v.length, 0);
  const s = ck.state;
  const manifest: ShippedManifest = {
    format: MANIFEST_FORMAT,
    name: o.name,
    architecture: { family: 'DCGAN (Radford et al. 2016)', ...spec, gParams: count('G.'), dParams: count('D.') },
    files,
    data: { folder: o.dataFolder ?? s.data.root, imageCount: s.data.count, contentHash: s.data.contentHash, description: o.dataDescription, ...(s.data.heldOut ? { heldOut: s.data.heldOut } : {}) },
    training: {
      command: o.command ?? String(s.meta.command ?? ''),
      steps: s.step,
      epochs: s.epoch,
      wallTimeMs: Math.round(s.elapsedMs),
      wallTime: hms(s.elapsedMs),
      hyper: { ...hyper, crop: s.data.crop, flips: true, imagesSeen: s.step * hyper.batch * hyper.dSteps },
      checkpoint: basename(ck.dir),
      checkpointSavedAt: s.savedAt,
      trainer: o.trainer ?? 'Renovo src/core/train (trainLoop) on onnxruntime-node CPU',
      machine: o.machine ?? 'shared 2-core CPU build machine, no GPU (nice 19, 1 onnxruntime thread)',
      export: `weights rounded to fp16${recalibrate ? "; G's BN running statistics recomputed as the mean batch statistics of 32 batches × 64 random latents (precise BN, seed 12345) so that inference-mode G matches training-mode G; D's running statistics as trained" : ''}`,
    },
    parent,
    samples: { file: 'sample.png', latents: `64 latents from fixedLatents(seed=${latentSeed}), N(0,1), G in inference mode with the exported (recalibrated) BN running statistics`, description: o.description },
    createdAt: new Date().toISOString(),
  };
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(dir, 'README.md'), readme(manifest));
  await rm(final, { recursive: true, force: true });
  await rename(dir, final);
  return { dir: final, manifest };
}

function readme(m: ShippedManifest): string {
  const a = m.architecture;
  const t = m.training;
  return `# ${m.name}

A ${a.resolution}×${a.resolution} DCGAN (generator width ngf=${a.ngf}, discriminator width ndf=${a.ndf}, latent ${a.nz}),
trained with Renovo's own trainer${m.parent ? `, fine-tuned from \`${m.parent.name}\`` : ''}.

**What the samples look like:** ${m.samples.description}

![samples](sample.png)

| | |
|---|---|
| data | ${m.data.description} — \`${m.data.folder}\`, ${m.data.imageCount} images (content hash \`${m.data.contentHash.slice(0, 16)}…\`)${m.data.heldOut ? `; ${m.data.heldOut.count} more (${m.data.heldOut.percent}%, listed in manifest.json) held out for evaluation` : ''} |
| steps | ${t.steps} (${t.epochs} epochs, ${t.hyper.imagesSeen as number} real images seen), batch ${t.hyper.batch as number} |
| optimiser | Adam lr D ${t.hyper.lrD as number} / G ${t.hyper.lrG as number}, β1 D ${t.hyper.beta1D as number} / G ${t.hyper.beta1G as number}, D:G ${t.hyper.dSteps as number}:${t.hyper.gSteps as number}, label smoothing ${t.hyper.labelSmoothing as number} |
| wall time | ${t.wallTime} on ${t.machine}; last checkpoint saved ${t.checkpointSavedAt} |
| export | ${t.export} |
| parameters | G ${a.gParams.toLocaleString('en')}, D ${a.dParams.toLocaleString('en')} |

Command:

\`\`\`
${t.command}
\`\`\`

Files (sha256 in \`manifest.json\`): ${Object.keys(m.files).map((f) => `\`${f}\``).join(', ')}. Weights are fp16
safetensors with PyTorch-DCGAN-style names (\`G.main.0.weight\`, …, BN \`running_mean\`/\`running_var\`).
${m.files['generator.onnx'] ? `\`generator.onnx\` takes \`z\` [1, ${a.nz}, 1, 1] ~ N(0, 1) and returns \`image\` [1, ${a.nc}, ${a.resolution}, ${a.resolution}] in [-1, 1].` : 'No standalone `generator.onnx` (shipped without it to keep `models/` small): Renovo builds the generator from `G.safetensors`, and `renovo models export` writes one.'}
Trained on images whose rights are not documented by their sources: the weights are the project's own;
the training images are not shipped.
`;
}
