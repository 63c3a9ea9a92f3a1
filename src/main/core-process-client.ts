// Main's side of the utility process: request/response over a message port, job events relayed,
// the process started lazily and restarted after a crash. No Electron imports (the process is
// created by an injected `spawn`), so it is unit-tested with a fake port (core-process-client.test.ts).
import type { ApiErrorPayload, ApiMethod, JobEvent } from '../shared/api';
import { isCoreToMain, type MainToCore, type CoreToMain } from './core-process-protocol';

/** What main needs of an Electron UtilityProcess. */
export interface UtilityPortLike {
  postMessage(message: MainToCore): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export class CoreProcessCallError extends Error {
  constructor(readonly payload: ApiErrorPayload) {
    super(payload.message);
    this.name = 'CoreProcessCallError';
  }
  get code(): string {
    return this.payload.code;
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: CoreProcessCallError): void;
}

export interface CoreProcessClientOptions {
  spawn(): UtilityPortLike;
  onEvent(event: JobEvent): void;
  log?(message: string): void;
}

export class CoreProcessClient {
  #child: UtilityPortLike | null = null;
  #ready: Promise<void> | null = null;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  constructor(private readonly options: CoreProcessClientOptions) {}

  /** Starts the process now (it opens the library and its workers); calls also start it lazily. */
  start(): Promise<void> {
    if (this.#closed) return Promise.reject(new CoreProcessCallError({ code: 'CLOSED', message: 'Renovo is shutting down' }));
    if (this.#ready) return this.#ready;
    const child = this.options.spawn();
    this.#child = child;
    this.#ready = new Promise<void>((resolve, reject) => {
      child.on('message', (raw) => {
        if (!isCoreToMain(raw)) {
          this.options.log?.('utility: ignoring malformed message');
          return;
        }
        const message: CoreToMain = raw;
        switch (message.type) {
          case 'ready':
            resolve();
            break;
          case 'fatal':
            reject(new CoreProcessCallError(message.error));
            break;
          case 'event':
            this.options.onEvent(message.event);
            break;
          case 'result': {
            const pending = this.#pending.get(message.id);
            if (!pending) return;
            this.#pending.delete(message.id);
            if (message.ok) pending.resolve(message.value);
            else pending.reject(new CoreProcessCallError(message.error));
            break;
          }
        }
      });
      child.on('exit', (code) => {
        if (this.#child !== child) return;
        this.options.log?.(`utility process exited with code ${code}`);
        this.#child = null;
        this.#ready = null;
        const error = new CoreProcessCallError({
          code: 'ENGINE_EXITED',
          message: `The Renovo engine process stopped (exit code ${code}); try again.`,
        });
        reject(error);
        for (const pending of this.#pending.values()) pending.reject(error);
        this.#pending.clear();
      });
    });
    // A failed start is reported to callers; the next call tries again.
    this.#ready.catch(() => {
      if (this.#child === child) {
        child.kill();
        this.#child = null;
        this.#ready = null;
      }
    });
    return this.#ready;
  }

  call(method: ApiMethod, input: unknown): Promise<unknown> {
    return this.#request((id) => ({ type: 'call', id, method, input }));
  }

  /** Absolute path of a library file, resolved by the library itself (throws for anything outside). */
  async resolveLibraryFile(rel: string): Promise<string> {
    const value = await this.#request((id) => ({ type: 'resolve', id, rel }));
    if (typeof value !== 'string') throw new CoreProcessCallError({ code: 'INTERNAL', message: 'bad resolve reply' });
    return value;
  }

  async #request(build: (id: number) => MainToCore): Promise<unknown> {
    await this.start();
    const child = this.#child;
    if (!child) throw new CoreProcessCallError({ code: 'ENGINE_EXITED', message: 'The Renovo engine process is not running' });
    const id = this.#nextId++;
    return new Promise<unknown>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      try {
        child.postMessage(build(id));
      } catch (error) {
        this.#pending.delete(id);
        reject(new CoreProcessCallError({ code: 'INTERNAL', message: `Could not send to the engine: ${(error as Error).message}` }));
      }
    });
  }

  /** Asks the process to close the library and exit; kills it if it has not gone after `graceMs`. */
  async close(graceMs = 3000): Promise<void> {
    this.#closed = true;
    const child = this.#child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      child.postMessage({ type: 'shutdown' });
    } catch {
      /* already gone */
    }
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs));
    if ((await Promise.race([exited, timer])) === 'timeout') child.kill();
  }
}
