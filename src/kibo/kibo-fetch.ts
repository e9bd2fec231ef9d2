// The fetch the SDK runs on (OAuth, tenant lookup and API calls all go through it): per-request timeout,
// retries with exponential backoff and full jitter, Retry-After, one token refresh on 401, and error
// answers the SDK can parse.
//
// Retry rules: a 429 means Kibo did not process the request, so any method is retried. 502/503/504, a
// network error or a timeout are retried only for GET/HEAD/DELETE: a POST that failed that way may have
// been processed (a job created), so the caller decides (e.g. by listing jobs) instead of resubmitting.
//
// Final error answers: the SDK `JSON.parse`s every non-2xx body, and Kibo's 429 (and many proxies' 5xx)
// have an empty or HTML body, so the SDK would throw a SyntaxError and lose the status. We chose to
// rewrite such a body into Kibo's own error JSON shape, same status: the SDK then throws its normal
// ResponseError carrying the status, and the client maps that to a KiboApiError with the operation name
// (which only the client knows). Network failures and timeouts after the last attempt throw a
// KiboApiError (status undefined) naming the method, URL path and attempts.
//
// Bodies: every answer is read inside its attempt (under the timer, see attemptOnce) and buffered, except
// a 2xx answer to a request that carries a body consumer (withBodyConsumer): that body goes to the
// consumer instead, still inside the attempt, so a file streams to disk with the same timeout and retries.
import type { Clock } from '../support/clock.ts';
import { KiboApiError } from '../support/errors.ts';
import { DownloadTooLargeError } from './read-capped-body.ts';
import type { FetchLike } from './wire-types.ts';

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_BASE_DELAY_MS = 500;
export const DEFAULT_MAX_DELAY_MS = 30_000;
/**
 * Headers arrive only after an upload's body has been sent, so a request's timeout grows with its body
 * at this pessimistic rate (a 500 MB zip gets ~17 extra minutes at 512 KiB/s).
 */
export const MIN_UPLOAD_BYTES_PER_SECOND = 512 * 1024;
/** Kibo sends `Retry-After: 60`; anything beyond two minutes is treated as two minutes. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 120_000;

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'DELETE']);
/** Asking for a token again changes nothing: unlike creating a job, the OAuth POST is safe to repeat. */
const REPEATABLE_POST_PATH = /\/authtickets\/oauth$/i;
/** File bodies (export zips, logs, public links) may be large: their whole transfer gets this long. */
export const DOWNLOAD_TIMEOUT_MS = 15 * 60 * 1000;

function isRepeatable(request: Pick<RequestShape, 'method' | 'target'>): boolean {
  return SAFE_METHODS.has(request.method) || (request.method === 'POST' && REPEATABLE_POST_PATH.test(request.target));
}

function isDownload(request: Pick<RequestShape, 'method' | 'target'>): boolean {
  return request.method === 'GET' && (/\/content$/i.test(request.target) || !/\/api\//.test(request.target));
}
const SERVER_BUSY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);
/** Statuses that cannot carry a body in a WHATWG Response. */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 204, 205, 304]);
const ERROR_BODY_SNIPPET_CHARS = 200;

export type RetryReason = 'rate-limited' | 'server-error' | 'network-error' | 'timeout' | 'unauthorized';

export interface RetryInfo {
  readonly method: string;
  /** Origin and path only: queries can hold signatures (public links). */
  readonly target: string;
  /** The attempt that just failed, 1-based. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly delayMs: number;
  readonly reason: RetryReason;
  readonly status?: number;
}

export interface KiboFetchOptions {
  readonly clock: Clock;
  readonly baseFetch?: FetchLike;
  readonly requestTimeoutMs?: number;
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly maxRetryAfterMs?: number;
  /** Uniform [0, 1); injectable so tests can pin the jitter. */
  readonly random?: () => number;
  readonly onRetry?: (info: RetryInfo) => void;
  /**
   * Called once per request when a call that carried `Authorization: Bearer <token>` answers 401.
   * Returns a fresh token to resend with, or undefined to give the 401 back.
   */
  readonly refreshAccessToken?: (rejectedToken: string) => Promise<string | undefined>;
}

interface RetryPolicy {
  readonly clock: Clock;
  readonly requestTimeoutMs: number;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
  readonly random: () => number;
}

interface RequestShape {
  readonly input: string | URL | Request;
  readonly init: RequestInit;
  readonly method: string;
  readonly target: string;
  readonly callerSignal: AbortSignal | undefined;
}

type AttemptOutcome = { readonly response: Response } | { readonly error: unknown; readonly timedOut: boolean };

/**
 * Reads a 2xx body instead of the fetch buffering it. Called once per attempt that got a 2xx: it must
 * start over each time (a retried download replaces the partial file, never appends to it).
 */
export type BodyConsumer = (response: Response) => Promise<void>;

const BODY_CONSUMER = Symbol('kibo-sync body consumer');

type InitWithConsumer = RequestInit & { readonly [BODY_CONSUMER]?: BodyConsumer };

/** An init (or SDK init override: the SDK spreads it into the init it hands its fetch) carrying a consumer. */
export function withBodyConsumer(consume: BodyConsumer, init: RequestInit = {}): RequestInit {
  const withConsumer: InitWithConsumer = { ...init, [BODY_CONSUMER]: consume };
  return withConsumer;
}

function bodyConsumerOf(init: RequestInit): BodyConsumer | undefined {
  return (init as InitWithConsumer)[BODY_CONSUMER];
}

/** A consumer's failure that another attempt cannot fix. */
function isPermanentBodyError(error: unknown): boolean {
  return error instanceof DownloadTooLargeError;
}

export function createKiboFetch(options: KiboFetchOptions): FetchLike {
  const baseFetch = options.baseFetch ?? fetch;
  const policy: RetryPolicy = {
    clock: options.clock,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    maxAttempts: Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
    baseDelayMs: options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
    random: options.random ?? Math.random,
  };
  return async (input, init) => {
    const request = describeRequest(input, init ?? {});
    let current = request;
    let refreshed = false;
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await attemptOnce(baseFetch, current, policy);
      if (request.callerSignal?.aborted) throw request.callerSignal.reason;
      if ('error' in outcome) {
        if (isPermanentBodyError(outcome.error)) throw outcome.error;
        const reason: RetryReason = outcome.timedOut ? 'timeout' : 'network-error';
        if (!isRepeatable(request) || attempt >= policy.maxAttempts) {
          throw failedRequestError(request, policy, attempt, outcome);
        }
        await pauseBeforeRetry(request, policy, options.onRetry, { attempt, reason, delayMs: backoffMs(policy, attempt) });
        continue;
      }
      const { response } = outcome;
      const rejectedToken = response.status === 401 && !refreshed ? bearerToken(current.init) : undefined;
      if (rejectedToken !== undefined && options.refreshAccessToken) {
        refreshed = true;
        const token = await options.refreshAccessToken(rejectedToken);
        if (token !== undefined) {
          await discardBody(response);
          options.onRetry?.({ ...retryFields(request, policy, attempt), delayMs: 0, reason: 'unauthorized', status: 401 });
          current = { ...current, init: withBearerToken(current.init, token) };
          attempt -= 1; // a refreshed token is a new start, not a failed attempt
          continue;
        }
      }
      const reason = retryReasonForStatus(request, response.status);
      if (reason === undefined || attempt >= policy.maxAttempts) return toSdkReadableResponse(response, request);
      const delayMs = retryAfterMs(response.headers.get('retry-after'), policy) ?? backoffMs(policy, attempt);
      await discardBody(response);
      await pauseBeforeRetry(request, policy, options.onRetry, { attempt, reason, delayMs, status: response.status });
    }
  };
}

function describeRequest(input: string | URL | Request, init: RequestInit): RequestShape {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const parsed = new URL(url);
  return { input, init, method, target: `${parsed.origin}${parsed.pathname}`, callerSignal: init.signal ?? undefined };
}

async function attemptOnce(baseFetch: FetchLike, request: RequestShape, policy: RetryPolicy): Promise<AttemptOutcome> {
  const controller = new AbortController();
  const stopTimer = new AbortController();
  let timedOut = false;
  const timeoutMs = requestTimeoutMs(policy, request.init.body, request);
  policy.clock.sleep(timeoutMs, stopTimer.signal).then(
    () => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
    },
    () => undefined, // the timer was cancelled because the answer came first
  );
  const onCallerAbort = (): void => controller.abort(request.callerSignal?.reason);
  request.callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  if (request.callerSignal?.aborted) onCallerAbort();
  try {
    // A Request body can be read once: every attempt sends a clone (our SDK passes strings and Buffers).
    const input = request.input instanceof Request ? request.input.clone() : request.input;
    const response = await baseFetch(input, { ...request.init, signal: controller.signal });
    // The body is read while the timer runs: a server that sends headers and then stalls must not hang a
    // poll (and with it the job deadline, the sync's lock and shutdown) forever.
    const consume = bodyConsumerOf(request.init);
    if (consume === undefined || response.status < 200 || response.status >= 300) return { response: await bufferResponse(response) };
    try {
      await consume(response);
    } catch (error) {
      // A body the consumer gave up on (a cap, a full disk) must not keep its connection busy.
      controller.abort(error);
      throw error;
    }
    return { response: new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers }) };
  } catch (error) {
    return { error, timedOut };
  } finally {
    stopTimer.abort();
    request.callerSignal?.removeEventListener('abort', onCallerAbort);
  }
}

async function bufferResponse(response: Response): Promise<Response> {
  const body = response.status === 204 || response.status === 304 ? null : await response.arrayBuffer();
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

function requestTimeoutMs(policy: RetryPolicy, body: RequestInit['body'], request?: Pick<RequestShape, 'method' | 'target'>): number {
  if (request && isDownload(request)) return Math.max(policy.requestTimeoutMs, DOWNLOAD_TIMEOUT_MS);
  const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body instanceof Uint8Array ? body.byteLength : 0;
  return policy.requestTimeoutMs + Math.ceil((bytes / MIN_UPLOAD_BYTES_PER_SECOND) * 1000);
}

function retryReasonForStatus(request: RequestShape, status: number): RetryReason | undefined {
  if (status === 429) return 'rate-limited';
  if (SERVER_BUSY_STATUSES.has(status) && isRepeatable(request)) return 'server-error';
  return undefined;
}

/** Full jitter: uniform in [0, min(maxDelay, base * 2^(attempt-1))]. */
export function computeBackoffMs(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

function backoffMs(policy: RetryPolicy, attempt: number): number {
  return computeBackoffMs(attempt, policy.baseDelayMs, policy.maxDelayMs, policy.random);
}

/** Retry-After as delta-seconds or an HTTP date, capped; undefined when absent or unreadable. */
export function parseRetryAfterMs(header: string | null, nowMs: number, maxMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  let delayMs: number;
  if (/^\d+$/.test(trimmed)) delayMs = Number(trimmed) * 1000;
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    delayMs = at - nowMs;
  }
  return Math.min(maxMs, Math.max(0, delayMs));
}

function retryAfterMs(header: string | null, policy: RetryPolicy): number | undefined {
  return parseRetryAfterMs(header, policy.clock.now(), policy.maxRetryAfterMs);
}

function retryFields(request: RequestShape, policy: RetryPolicy, attempt: number): Omit<RetryInfo, 'delayMs' | 'reason'> {
  return { method: request.method, target: request.target, attempt, maxAttempts: policy.maxAttempts };
}

async function pauseBeforeRetry(
  request: RequestShape,
  policy: RetryPolicy,
  onRetry: ((info: RetryInfo) => void) | undefined,
  step: { attempt: number; reason: RetryReason; delayMs: number; status?: number },
): Promise<void> {
  onRetry?.({ ...retryFields(request, policy, step.attempt), ...step });
  if (step.delayMs > 0) await policy.clock.sleep(step.delayMs, request.callerSignal);
}

async function discardBody(response: Response): Promise<void> {
  // Frees the connection; a body that fails while being discarded does not matter any more.
  await response.body?.cancel().catch(() => undefined);
}

function bearerToken(init: RequestInit): string | undefined {
  const value = new Headers(init.headers).get('authorization');
  const match = value === null ? null : /^Bearer\s+(.+)$/i.exec(value);
  return match?.[1];
}

function withBearerToken(init: RequestInit, token: string): RequestInit {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return { ...init, headers };
}

function failedRequestError(
  request: RequestShape,
  policy: RetryPolicy,
  attempt: number,
  outcome: { error: unknown; timedOut: boolean },
): KiboApiError {
  const what = outcome.timedOut
    ? `timed out after ${requestTimeoutMs(policy, request.init.body, request)} ms`
    : `failed (${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)})`;
  const advice = isRepeatable(request)
    ? `after ${attempt} attempt(s); check the network path to Kibo and try again later`
    : 'and was not retried because a POST may already have been processed; check whether it took effect ' +
      '(for a job: list the jobs) before submitting it again';
  return new KiboApiError(`${request.method} ${request.target} ${what} ${advice}`, undefined, `${request.method} ${request.target}`, {
    cause: outcome.error,
  });
}

/** Leaves 2xx untouched; gives any other answer a JSON body so the SDK's JSON.parse keeps the status. */
async function toSdkReadableResponse(response: Response, request: RequestShape): Promise<Response> {
  if ((response.status >= 200 && response.status < 300) || NULL_BODY_STATUSES.has(response.status)) return response;
  const text = await response.text();
  const headers = new Headers(response.headers);
  // The body is re-sent decoded and possibly rewritten: the original length and encoding no longer apply.
  headers.delete('content-length');
  headers.delete('content-encoding');
  if (isJson(text)) return new Response(text, { status: response.status, statusText: response.statusText, headers });
  headers.set('content-type', 'application/json');
  const body = JSON.stringify({
    message: describeNonJsonError(response, request, text),
    errorCode: `HTTP_${response.status}`,
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

function isJson(text: string): boolean {
  if (text.trim() === '') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false; // not JSON: the caller wraps it
  }
}

function describeNonJsonError(response: Response, request: RequestShape, text: string): string {
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const retryAfter = response.headers.get('retry-after');
  const body = text.trim() === '' ? 'an empty body' : `a non-JSON body: ${text.trim().slice(0, ERROR_BODY_SNIPPET_CHARS)}`;
  const hint = retryAfter === null ? '' : ` (Retry-After: ${retryAfter})`;
  return `${request.method} ${request.target} answered ${status} with ${body}${hint}`;
}
