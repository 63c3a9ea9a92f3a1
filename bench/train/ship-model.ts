/**
 * Export a training checkpoint as a shipped model folder. Bundled and run by scripts/ship-model.sh:
 *
 *   scripts/ship-model.sh --checkpoint /work/train-runs/landscape --name landscape-dcgan64 \
 *     --data-folder ../shared/data/landscapes --data-description "outdoor photos ..." \
 *     --description-file /work/train-runs/landscape/DESCRIPTION.txt [--parent NAME] [--models-dir models] [--no-onnx]
 */
import { readFile } from 'node:fs/promises';
import { Runtime } from '../../src/core/onnx/runtime';
import { shipModel } from '../../src/core/train/ship';

async function main(): Promise<void> {
  const a = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (!k.startsWith('--')) throw new Error(`unexpected argument ${k}`);
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) a.set(k.slice(2), 'true');
    else {
      a.set(k.slice(2), v);
      i++;
    }
  }
  const need = (k: string): string => {
    const v = a.get(k);
    if (!v) throw new Error(`--${k} is required`);
    return v;
  };
  const description = a.has('description-file') ? (await readFile(need('description-file'), 'utf8')).trim() : need('description');
  const runtime = new Runtime({ provider: 'cpu', threads: 1 });
  const { dir, manifest } = await shipModel({
    runtime, checkpoint: need('checkpoint'), name: need('name'), modelsDir: a.get('models-dir') ?? 'models',
    description, dataDescription: need('data-description'), dataFolder: a.get('data-folder'), parent: a.get('parent'),
    command: a.get('command'), onnx: !a.has('no-onnx'),
  });
  const total = Object.values(manifest.files).reduce((s, f) => s + f.bytes, 0);
  console.log(`wrote ${dir}: ${manifest.training.steps} steps, ${manifest.training.epochs} epochs, ${manifest.training.wallTime}; ${(total / 1e6).toFixed(1)} MB`);
  for (const [f, e] of Object.entries(manifest.files)) console.log(`  ${f}  ${(e.bytes / 1e6).toFixed(2)} MB  ${e.sha256}`);
  await runtime.release();
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
