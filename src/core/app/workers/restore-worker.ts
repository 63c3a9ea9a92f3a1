// Entry of the restore worker bundle (dist/worker/restore.cjs; the benchmark and the kill test
// bundle this file): serves the 'restore-file' task (restore/executor.ts) on the job layer. One
// file at a time; the result's byte arrays are transferred, not copied. Lives here with the other
// worker entries: core/app/workers is the one place that wires tasks to workers.
import { serveTasks } from '../../jobs/serve';
import { setKernelThreadsEnabled } from '../../parallel/threads';
import type { RestoreTasks } from '../../restore/executor';
import { restoreFile } from '../../restore/file';

// A batch already keeps the cores busy with one file per worker: a kernel worker per file would
// only oversubscribe them (same results either way, see parallel/threads.ts).
setKernelThreadsEnabled(false);

serveTasks<RestoreTasks>({ 'restore-file': (task, ctx) => restoreFile(task, ctx) });
