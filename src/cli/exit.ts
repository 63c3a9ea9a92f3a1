// Exit statuses of the `renovo` command (documented in --help) and the error that carries one.
import { ArgumentError, errorKind, toApiError } from '../core/app';

export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  BAD_INPUT: 3,
  CANCELLED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Wrong command line: unknown option, bad value, missing argument, refused output path. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ReportedError {
  exit: ExitCode;
  code: string;
  message: string;
}

/** Classifies any failure into an exit status plus the stable code and message to print. */
export function classify(e: unknown): ReportedError {
  // core/app's refusals of the arguments themselves (overlapping folders, …) are usage errors too
  if (e instanceof UsageError || e instanceof ArgumentError) return { exit: EXIT.USAGE, code: 'USAGE', message: e.message };
  const api = toApiError(e);
  const kind = errorKind(api.code);
  const exit = kind === 'cancelled' ? EXIT.CANCELLED : kind === 'bad-input' ? EXIT.BAD_INPUT : EXIT.FAILURE;
  return { exit, code: api.code, message: api.message };
}
