// Posts a JSON alert to ALERT_WEBHOOK_URL when a sync's health changes: it starts failing, gets blocked by
// a guard, or recovers. One alert per change of state, not per run, so a sync failing every five minutes
// pages once. The webhook is best effort: it never fails, slows or throws into a run.
import type { GuardViolation } from '../diff/evaluate-guards.ts';
import type { RunCounts } from '../state/index.ts';
import type { Clock } from '../support/clock.ts';
import { describeError } from '../support/errors.ts';
import type { Logger } from '../support/logger.ts';
import type { SyncObserver, SyncOutcome, SyncRunSummary } from '../sync/sync-summary.ts';
import { redactSecrets, type RedactText } from '../support/redact-secrets.ts';

export const DEFAULT_ALERT_TIMEOUT_MS = 10_000;
export const ALERT_ERROR_MAX_CHARS = 2_000;

export type AlertEvent = 'failed' | 'blocked' | 'recovered';
/** A sync's health as alerts see it; statuses outside these (dry_run, skipped, locked) say nothing new. */
export type AlertState = 'ok' | 'failing' | 'blocked';

export interface AlertPayload {
  readonly event: AlertEvent;
  readonly sync: string;
  readonly runId: number | null;
  readonly status: SyncOutcome;
  /** The status of the sync's last run that said something about its health (null: none known). */
  readonly previousStatus: SyncOutcome | null;
  readonly error?: string;
  readonly planId?: string;
  readonly violations?: readonly Pick<GuardViolation, 'guard' | 'message' | 'sampleKeys'>[];
  readonly counts: Partial<RunCounts>;
  /** ISO 8601 time the alert was made. */
  readonly at: string;
}

export interface AlertNotifierOptions {
  readonly url: string;
  readonly fetch?: typeof fetch;
  readonly logger: Logger;
  readonly clock: Clock;
  /**
   * The sync's last health-relevant status before this run, from the state database; asked once per sync
   * (later runs use memory). `beforeRunId` is the run just finished, which the state DB may already hold.
   */
  readonly loadLastStatus: (sync: string, beforeRunId?: number) => Promise<SyncOutcome | undefined>;
  readonly timeoutMs?: number;
  /** Masks secrets in the error and messages sent out (default: by pattern only). */
  readonly redact?: RedactText;
}

export interface AlertNotifier extends SyncObserver {
  runFinished(summary: SyncRunSummary): void;
  /** Resolves once every alert queued so far was sent (or given up): for shutdown and tests. */
  whenIdle(): Promise<void>;
}

export function classifyAlertState(status: SyncOutcome): AlertState | undefined {
  switch (status) {
    case 'succeeded':
      return 'ok';
    case 'failed':
    case 'stuck':
    case 'aborted':
      return 'failing';
    case 'blocked':
      return 'blocked';
    default:
      return undefined;
  }
}

/** The alert a change from `previous` to `current` deserves, if any. An unknown past counts as healthy. */
export function decideAlertEvent(previous: AlertState | undefined, current: AlertState): AlertEvent | undefined {
  if (current === previous) return undefined;
  if (current === 'failing') return 'failed';
  if (current === 'blocked') return 'blocked';
  return previous === undefined ? undefined : 'recovered';
}

export function createAlertNotifier(options: AlertNotifierOptions): AlertNotifier {
  const logger = options.logger.child({ component: 'alert-notifier' });
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_ALERT_TIMEOUT_MS;
  // Only the origin is logged: webhook paths often carry a token (Slack, Teams).
  const target = new URL(options.url).origin;
  const lastStatus = new Map<string, SyncOutcome | undefined>();
  const queues = new Map<string, Promise<void>>();

  const previousStatusOf = async (summary: SyncRunSummary): Promise<SyncOutcome | undefined> => {
    if (lastStatus.has(summary.sync)) return lastStatus.get(summary.sync);
    try {
      return await options.loadLastStatus(summary.sync, summary.runId);
    } catch (error) {
      // Without history the run is judged against "unknown": failures still alert, only a recovery is missed.
      logger.warn({ sync: summary.sync, err: describeError(error) }, 'could not load the last run status for alerts');
      return undefined;
    }
  };

  const send = async (payload: AlertPayload): Promise<void> => {
    try {
      const response = await doFetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        logger.warn({ target, status: response.status, event: payload.event, sync: payload.sync }, 'alert webhook refused the alert');
        return;
      }
      logger.info({ target, event: payload.event, sync: payload.sync }, 'alert sent');
    } catch (error) {
      // Alerts are best effort: a webhook that is down must never fail or stop a sync, so log and carry on.
      logger.warn({ target, event: payload.event, sync: payload.sync, err: describeError(error) }, 'alert webhook unreachable');
    }
  };

  const handle = async (summary: SyncRunSummary, current: AlertState): Promise<void> => {
    const previousStatus = await previousStatusOf(summary);
    lastStatus.set(summary.sync, summary.status);
    const previous = previousStatus === undefined ? undefined : classifyAlertState(previousStatus);
    const event = decideAlertEvent(previous, current);
    if (event === undefined) return;
    await send(formatAlertPayload(event, summary, previousStatus, new Date(options.clock.now()), options.redact));
  };

  return {
    runFinished(summary) {
      const current = classifyAlertState(summary.status);
      if (current === undefined) return;
      // Chained per sync: alerts of one sync go out in run order, and its history is loaded once.
      const queued = (queues.get(summary.sync) ?? Promise.resolve()).then(() => handle(summary, current));
      queues.set(
        summary.sync,
        queued.catch((error: unknown) => {
          // handle() already swallows webhook errors; this only guards the observer contract (never throw).
          logger.error({ sync: summary.sync, err: describeError(error) }, 'alert handling failed');
        }),
      );
    },
    async whenIdle() {
      let pending: Promise<void>[] = [];
      do {
        pending = [...queues.values()];
        await Promise.all(pending);
      } while ([...queues.values()].some((queue, index) => queue !== pending[index]));
    },
  };
}

export function formatAlertPayload(
  event: AlertEvent,
  summary: SyncRunSummary,
  previousStatus: SyncOutcome | undefined,
  at: Date,
  redact: RedactText = redactSecrets,
): AlertPayload {
  const violations = summary.violations.map((violation) => ({
    guard: violation.guard,
    message: redact(violation.message),
    ...(violation.sampleKeys === undefined ? {} : { sampleKeys: violation.sampleKeys }),
  }));
  return {
    event,
    sync: summary.sync,
    runId: summary.runId ?? null,
    status: summary.status,
    previousStatus: previousStatus ?? null,
    ...(summary.error === undefined ? {} : { error: truncate(redact(summary.error), ALERT_ERROR_MAX_CHARS) }),
    ...(summary.planId === undefined ? {} : { planId: summary.planId }),
    ...(violations.length === 0 ? {} : { violations }),
    counts: summary.counts,
    at: at.toISOString(),
  };
}

function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}
