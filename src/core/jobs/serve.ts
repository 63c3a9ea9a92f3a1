// The job worker's side (a bundle entry calls serveTasks with its handlers). Runs one task at a
// time; a 'cancel' message (or, while a synchronous kernel holds the thread, the shared cancel
// flag) aborts the task's AbortController so the kernel stops at its next check.
import { parentPort, workerData } from 'node:worker_threads';
import { linkCancelFlag } from './cancel-flag';
import { shareNativeCalls } from '../platform/native-calls';
import { serializeError, type FromWorker, type ToWorker } from './protocol';
import { collectTransferables } from './transfer';
import type { TaskContext, TaskHandler, TaskHandlers, TaskMap, TaskSpec } from './tasks';

/** Progress messages closer together than this are dropped (a kernel may report per row). */
const PROGRESS_INTERVAL_MS = 50;

export function serveTasks<T extends TaskMap>(handlers: TaskHandlers<T>): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks must run inside a worker thread');
  const running = new Map<number, AbortController>();
  /** Shared with the runner, which sets it when the task this worker runs is cancelled. */
  const cancelFlag = (workerData as { cancelFlag?: SharedArrayBuffer } | null)?.cancelFlag;
  const flag = cancelFlag ? new Int32Array(cancelFlag) : undefined;
  const nativeCalls = (workerData as { nativeCalls?: SharedArrayBuffer } | null)?.nativeCalls;
  if (nativeCalls) shareNativeCalls(new Int32Array(nativeCalls));
  const send = (msg: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer);

  async function run(id: number, kind: string, input: unknown): Promise<void> {
    const controller = new AbortController();
    if (flag) linkCancelFlag(controller, flag);
    running.set(id, controller);
    let lastSent = 0;
    const ctx: TaskContext<unknown> = {
      signal: controller.signal,
      onProgress(fraction, message) {
        const now = Date.now();
        if (now - lastSent < PROGRESS_INTERVAL_MS && fraction < 1) return;
        lastSent = now;
        const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
        send({ type: 'progress', id, fraction: f, message: message ?? '' });
      },
      emit(event) {
        send({ type: 'event', id, event }, collectTransferables(event));
      },
    };
    try {
      const handler = Object.hasOwn(handlers, kind) ? (handlers[kind] as unknown as TaskHandler<TaskSpec>) : undefined;
      if (!handler) throw new Error(`Unknown job kind: ${kind}`);
      const output = await handler(input, ctx);
      if (controller.signal.aborted) send({ type: 'cancelled', id });
      else send({ type: 'done', id, output }, collectTransferables(output));
    } catch (e) {
      if (controller.signal.aborted || (e instanceof Error && e.name === 'AbortError')) send({ type: 'cancelled', id });
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
}
