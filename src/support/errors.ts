// Errors that the CLI maps to exit codes and that tell the user what to do next.

/** Bad configuration or mapping files: exit code 2. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super(problems.length > 0 ? `${message}\n  - ${problems.join('\n  - ')}` : message, options);
  }
}

/** A Kibo call failed after retries (or was not retryable). */
export class KiboApiError extends Error {
  override readonly name = 'KiboApiError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly operation: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
