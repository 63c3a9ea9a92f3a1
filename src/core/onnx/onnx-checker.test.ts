/**
 * Interop: the official `onnx` Python package (Debian python3-onnx, when installed) accepts our
 * models: onnx.checker with full_check (strict shape inference) on a gradient graph, a training
 * step graph (with the GEMM/col2im lowerings) and an exported inference model.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initDcgan } from '../nets/dcgan';
import { buildDcganTrainGraphs } from '../../../test/fixtures/dcgan/train';
import { buildZStepGraph } from '../../../test/fixtures/dcgan/zopt';
import { exportInferenceModel } from './export';
import { serialize } from './serialize';

function hasOnnx(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import onnx'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'renovo-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('models pass the official onnx checker', () => {
  it.skipIf(!hasOnnx())('z-step gradient graph, DCGAN D/G training graphs, exported G', () => {
    const cfg = { ngf: 4, ndf: 4 };
    const zs = buildZStepGraph(2, cfg);
    const tg = buildDcganTrainGraphs(2, cfg);
    const weights = initDcgan(zs.G, 1);
    const files = {
      zstep: serialize(zs.graph),
      dstep: serialize(tg.dStep),
      gstep: serialize(tg.gStep, { convTranspose: 'polyphase' }),
      export: exportInferenceModel(zs.graph, new Map([...weights, ...initDcgan(zs.D, 2)]), { outputs: ['image'] }),
    };
    const paths = Object.entries(files).map(([k, m]) => {
      const p = join(dir, `${k}.onnx`);
      writeFileSync(p, m.bytes);
      return p;
    });
    const script = `
import sys, onnx
for p in sys.argv[1:]:
    m = onnx.load(p)
    onnx.checker.check_model(m, full_check=True)
    print(p.split('/')[-1], m.opset_import[0].version, len(m.graph.node))`;
    const out = execFileSync('/usr/bin/python3', ['-c', script, ...paths], { encoding: 'utf8' });
    expect(out.trim().split('\n')).toHaveLength(4);
    expect(out).toContain('zstep.onnx 17');
  });
});
