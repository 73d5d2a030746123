import { randomUUID } from 'node:crypto';

// One error shape for every response: {error:{code,message,details}}. Anything that is not an
// AppError is a bug: the client sees a generic 500 with an errorId that also appears in the log.

export interface ErrorDetail {
  field?: string;
  [key: string]: unknown;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details: ErrorDetail[] = []) =>
  new AppError(400, 'validation_failed', message, details);
export const unauthorized = (message = 'missing or invalid API key') => new AppError(401, 'unauthorized', message);
export const forbidden = (message = 'this key lacks the role for this action') => new AppError(403, 'forbidden', message);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, details: ErrorDetail[] = []) => new AppError(409, 'conflict', message, details);

/** Raised by stores on a unique-index violation, whatever the engine. */
export class DuplicateKeyError extends Error {
  constructor(readonly collection: string) {
    super(`duplicate key in ${collection}`);
  }
}

/** A job failure that retrying cannot fix (e.g. the document was deleted or cannot be analyzed). */
export class PermanentJobError extends Error {}

export function newErrorId(): string {
  return randomUUID();
}
