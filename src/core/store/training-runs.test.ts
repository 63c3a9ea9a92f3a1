// Training runs whose process died, and metrics of steps a continuation re-does (issue 14.3).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Library } from '../library';
import type { NewTrainingRun } from './types';
import { tempDir } from '../../../test/fixtures/store';

let cleanup = (): void => {};
afterEach(() => cleanup());

const newRun = (runDir: string): NewTrainingRun => ({
  kind: 'train', baseModelId: null, datasetPath: '/data', imageCount: 8, datasetHash: 'h', params: { runDir, steps: 100 },
});

/** The id of a process that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

describe('training runs', () => {
  it('a run whose process was killed is marked interrupted when the library is opened again', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const lib = Library.open(t.dir);
    const killed = lib.store.trainingRuns.start(newRun('/runs/a'));
    const alive = lib.store.trainingRuns.start(newRun('/runs/b'));
    // the first run's owner died without finishing it (kill -9, power cut)
    lib.store.db.prepare('UPDATE training_runs SET owner_pid = ? WHERE id = ?').run(deadPid(), killed.id);
    lib.close();

    const again = Library.open(t.dir);
    const runs = again.store.trainingRuns;
    expect(runs.get(killed.id)).toMatchObject({ status: 'interrupted', finishedAt: expect.any(String) });
    expect(runs.get(killed.id)?.error).toMatch(/interrupted/);
    expect(runs.get(alive.id)?.status).toBe('running'); // owned by this (live) process
    // its owner may still finish it (e.g. it was only suspended)
    expect(runs.finish(alive.id, { status: 'done', resultModelId: null, steps: 100, durationMs: 5 }).status).toBe('done');
    again.close();
  });

  it('a continuation from the same run folder replaces the metrics of the steps it re-does', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const lib = Library.open(path.join(t.dir, 'lib'));
    const runs = lib.store.trainingRuns;
    const first = runs.start(newRun('/runs/a'));
    const other = runs.start(newRun('/runs/other'));
    for (const step of [10, 20, 30]) runs.logMetrics(first.id, step, { lossD: step });
    runs.logMetrics(other.id, 20, { lossD: 1 });
    runs.finish(first.id, { status: 'cancelled', resultModelId: null, steps: 30, durationMs: 1 });
    // resumed from the checkpoint at step 10: steps 20 and 30 are trained again
    const second = runs.start(newRun('/runs/a'));
    runs.logMetrics(second.id, 20, { lossD: 200 });
    runs.logMetrics(second.id, 20, { lossD: 201 }); // logged twice by the same run: one row
    runs.logMetrics(second.id, 30, { lossD: 300 });
    const all = lib.store.db
      .prepare<[], { run_id: number; step: number; value: number }>("SELECT run_id, step, value FROM training_metrics WHERE name = 'lossD' ORDER BY step, run_id")
      .all();
    expect(all).toEqual([
      { run_id: first.id, step: 10, value: 10 },
      { run_id: other.id, step: 20, value: 1 },
      { run_id: second.id, step: 20, value: 201 },
      { run_id: second.id, step: 30, value: 300 },
    ]);
    lib.close();
  });
});
