// Kibo-shaped JSON errors. The SDK JSON.parses every non-2xx body and its auth client throws on any
// body carrying `errorCode`, so every error the emulator answers (except the 429 fault) has this shape.
import type { FastifyReply } from 'fastify';

export type KiboErrorCode =
  | 'UNAUTHORIZED'
  | 'VALIDATION_ERROR'
  | 'JOB_NOT_FOUND'
  | 'FILE_NOT_FOUND'
  | 'ITEM_NOT_FOUND'
  | 'FORBIDDEN'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

export interface KiboErrorBody {
  readonly message: string;
  readonly errorCode: KiboErrorCode;
  readonly applicationName: 'ImportExport';
}

/** Thrown by route code; the server's error handler turns it into the JSON error. */
export class EmulatorHttpError extends Error {
  override readonly name = 'EmulatorHttpError';
  constructor(
    readonly statusCode: number,
    readonly errorCode: KiboErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function formatKiboError(errorCode: KiboErrorCode, message: string): KiboErrorBody {
  return { message, errorCode, applicationName: 'ImportExport' };
}

export function sendKiboError(
  reply: FastifyReply,
  statusCode: number,
  errorCode: KiboErrorCode,
  message: string,
): FastifyReply {
  return reply.code(statusCode).type('application/json; charset=utf-8').send(formatKiboError(errorCode, message));
}

export function errorCodeForStatus(statusCode: number): KiboErrorCode {
  if (statusCode === 401) return 'UNAUTHORIZED';
  if (statusCode === 403) return 'FORBIDDEN';
  if (statusCode === 404) return 'ITEM_NOT_FOUND';
  if (statusCode === 503) return 'SERVICE_UNAVAILABLE';
  if (statusCode >= 500) return 'INTERNAL_SERVER_ERROR';
  return 'VALIDATION_ERROR';
}
