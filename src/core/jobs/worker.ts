// Entry point of a job worker (bundled to dist/worker/index.cjs). Runs one task at a time; a
// 'cancel' message (or, while a synchronous kernel holds the thread, the shared cancel flag) aborts
// the task's AbortController so the kernel stops at its next check.
import { parentPort, workerData } from 'node:worker_threads';
import { linkCancelFlag } from './cancel-flag';
import { handlers } from './handlers';
import { serializeError, type FromWorker, type ToWorker } from './protocol';
import { collectTransferables } from './transfer';
import type { TaskContext, TaskHandlers, TaskKind } from './tasks';

const port = parentPort;
if (!port) throw new Error('src/core/jobs/worker.ts must run inside a worker thread');

const running = new Map<number, AbortController>();
/** Shared with the runner, which sets it when the task this worker runs is cancelled. */
const cancelFlag = (workerData as { cancelFlag?: SharedArrayBuffer } | null)?.cancelFlag;
const flag = cancelFlag ? new Int32Array(cancelFlag) : undefined;

function send(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(msg, transfer);
}

function isAbort(e: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (e instanceof Error && e.name === 'AbortError');
}

async function run(id: number, kind: TaskKind, input: unknown): Promise<void> {
  const controller = new AbortController();
  if (flag) linkCancelFlag(controller, flag);
  running.set(id, controller);
  let lastSent = 0;
  const ctx: TaskContext<unknown> = {
    signal: controller.signal,
    onProgress(fraction, message) {
      // Throttle: a kernel may report per row; the UI needs a few updates per second at most.
      const now = Date.now();
      if (now - lastSent < 50 && fraction < 1) return;
      lastSent = now;
      const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
      send({ type: 'progress', id, fraction: f, message: message ?? '' });
    },
    emit(event) {
      send({ type: 'event', id, event }, collectTransferables(event));
    },
  };
  try {
    const handler = (handlers as Record<TaskKind, TaskHandlers[TaskKind]>)[kind];
    if (!handler) throw new Error(`Unknown job kind: ${String(kind)}`);
    const output = await handler(input as never, ctx as never);
    if (controller.signal.aborted) send({ type: 'cancelled', id });
    else send({ type: 'done', id, output }, collectTransferables(output));
  } catch (e) {
    if (isAbort(e, controller.signal)) send({ type: 'cancelled', id });
    else send({ type: 'error', id, error: serializeError(e) });
  } finally {
    running.delete(id);
  }
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'run') void run(msg.id, msg.kind, msg.input);
  else if (msg.type === 'cancel') running.get(msg.id)?.abort();
});
send({ type: 'ready' });
