// One error type for the store. Callers branch on `code`, never on SQLite's message text.
import { CodedError } from '../../shared/errors';

export type StoreErrorCode =
  | 'CONSTRAINT' // a CHECK / NOT NULL / UNIQUE / FOREIGN KEY / type rule was violated
  | 'NOT_FOUND' // the row an operation needs does not exist
  | 'CONFLICT' // the row is in the wrong state (e.g. finishing a run that already finished)
  | 'INVALID' // bad argument caught before it reached SQLite (e.g. a non-finite metric)
  | 'SCHEMA_TOO_NEW' // the database was written by a newer Renovo
  | 'CORRUPT' // PRAGMA quick_check found damage: nothing may be written to it
  | 'SQLITE'; // any other SQLite failure (I/O, busy, corrupt…)

export class StoreError extends CodedError<StoreErrorCode> {
  override readonly name = 'StoreError';
}

interface SqliteLikeError {
  code: string;
  message: string;
}

function isSqliteError(e: unknown): e is SqliteLikeError {
  const code = e instanceof Error ? (e as unknown as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/** Converts a better-sqlite3 error into a StoreError; other errors pass through unchanged. */
function toStoreError(e: unknown, what: string): unknown {
  if (e instanceof StoreError || !isSqliteError(e)) return e;
  const code: StoreErrorCode = e.code.startsWith('SQLITE_CONSTRAINT') ? 'CONSTRAINT' : 'SQLITE';
  return new StoreError(code, `${what}: ${e.message} (${e.code})`, { cause: e });
}

/** Runs fn, rethrowing SQLite failures as StoreError with `what` as context. */
export function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw toStoreError(e, what);
  }
}
