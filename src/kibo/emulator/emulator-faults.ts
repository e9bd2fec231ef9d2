// Injected failures: what real Kibo does on a bad day (429 with an empty body, 5xx, failed jobs, broken
// export files, tokens that expire early), switchable at runtime by tests and through /_emulator/faults.
import { z } from 'zod';

export interface EmulatorFaults {
  /** 0 = off. Every Nth call under /api answers 429, EMPTY body, Content-Length: 0, Retry-After. */
  rateLimitEveryN: number;
  /** Retry-After on the 429 (Kibo sends 60). */
  retryAfterSeconds: number;
  /** 0 = off. Every Nth /api call answers serverErrorStatus with a JSON error body. */
  serverErrorEveryN: number;
  serverErrorStatus: number;
  /** null = the configured value; larger = slow jobs. */
  jobStepMs: number | null;
  /** The next created import/export job ends `errored` with this statusMessage. */
  failNextJob: string | null;
  /** The next export's file content is not a valid zip. */
  corruptNextExport: boolean;
  /** Overrides the TTL of tokens issued from now on (expire early). */
  tokenTtlSeconds: number | null;
}

export const DEFAULT_EMULATOR_FAULTS: Readonly<EmulatorFaults> = Object.freeze({
  rateLimitEveryN: 0,
  retryAfterSeconds: 1,
  serverErrorEveryN: 0,
  serverErrorStatus: 503,
  jobStepMs: null,
  failNextJob: null,
  corruptNextExport: false,
  tokenTtlSeconds: null,
});

const nonNegativeInteger = z.number().int().min(0);

/** Validates a partial fault update (admin PUT body, options.faults); unknown keys are refused. */
export const partialFaultsSchema = z.strictObject({
  rateLimitEveryN: nonNegativeInteger.optional(),
  retryAfterSeconds: nonNegativeInteger.optional(),
  serverErrorEveryN: nonNegativeInteger.optional(),
  serverErrorStatus: z.number().int().min(500).max(599).optional(),
  jobStepMs: nonNegativeInteger.nullable().optional(),
  failNextJob: z.string().min(1).nullable().optional(),
  corruptNextExport: z.boolean().optional(),
  tokenTtlSeconds: nonNegativeInteger.nullable().optional(),
});

/** What the fault check decided for one /api call. */
export type ApiCallFault =
  | { readonly kind: 'none' }
  | { readonly kind: 'rateLimited'; readonly retryAfterSeconds: number }
  | { readonly kind: 'serverError'; readonly status: number };

export interface FaultController {
  get(): EmulatorFaults;
  /** Partial update; the Nth-call counters of a fault restart when that fault is set. Throws on invalid values. */
  set(update: Partial<EmulatorFaults>): void;
  /** Called once per /api call, before anything else happens to it. */
  decideApiCallFault(): ApiCallFault;
  /** Returns the failNextJob message (and clears it) if it is armed. */
  takeJobFailure(): string | null;
  /** Returns true (and disarms) if the next export must be corrupted. */
  takeExportCorruption(): boolean;
}

export function createFaultController(initial: Partial<EmulatorFaults> = {}): FaultController {
  let faults: EmulatorFaults = { ...DEFAULT_EMULATOR_FAULTS };
  // Counted from the moment each fault was set, so "every 3rd call" means the 3rd call after setting it.
  let callsSinceRateLimitSet = 0;
  let callsSinceServerErrorSet = 0;

  const set = (update: Partial<EmulatorFaults>): void => {
    const parsed = partialFaultsSchema.safeParse(update);
    if (!parsed.success) {
      throw new Error(`Invalid emulator faults: ${z.prettifyError(parsed.error)}`);
    }
    const defined = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
    if ('rateLimitEveryN' in defined) callsSinceRateLimitSet = 0;
    if ('serverErrorEveryN' in defined) callsSinceServerErrorSet = 0;
    faults = { ...faults, ...defined };
  };
  set(initial);

  return {
    get: () => ({ ...faults }),
    set,
    decideApiCallFault: () => {
      callsSinceRateLimitSet += 1;
      callsSinceServerErrorSet += 1;
      if (faults.rateLimitEveryN > 0 && callsSinceRateLimitSet % faults.rateLimitEveryN === 0) {
        return { kind: 'rateLimited', retryAfterSeconds: faults.retryAfterSeconds };
      }
      if (faults.serverErrorEveryN > 0 && callsSinceServerErrorSet % faults.serverErrorEveryN === 0) {
        return { kind: 'serverError', status: faults.serverErrorStatus };
      }
      return { kind: 'none' };
    },
    takeJobFailure: () => {
      const message = faults.failNextJob;
      if (message !== null) faults = { ...faults, failNextJob: null };
      return message;
    },
    takeExportCorruption: () => {
      const corrupt = faults.corruptNextExport;
      if (corrupt) faults = { ...faults, corruptNextExport: false };
      return corrupt;
    },
  };
}
