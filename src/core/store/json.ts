import type { Statement } from 'better-sqlite3';
import { StoreError } from './errors';
import type { JsonObject } from './types';

// Converting between rows and columns.

/** Serialises a JSON-object column; rejects values that would not round-trip as an object. */
export function toJson(value: JsonObject, column: string): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new StoreError('INVALID', `${column} must be a plain object`);
  }
  return JSON.stringify(value);
}

export function fromJson(text: string): JsonObject {
  return JSON.parse(text) as JsonObject;
}

/** Durations arrive from performance.now(); INTEGER columns are STRICT, so round here. */
export function ms(value: number): number {
  return Math.round(value);
}

/** A lookup through a prepared statement: the one row it finds, mapped by `toRow`; undefined when none. */
export function oneRow<P extends unknown[], Raw, Row>(stmt: Statement<P, Raw>, toRow: (raw: Raw) => Row): (...params: P) => Row | undefined {
  return (...params) => {
    const r = stmt.get(...params);
    return r === undefined ? undefined : toRow(r);
  };
}
