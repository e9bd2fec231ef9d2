// The daemon's operations endpoints: /healthz (process up and its dependencies reachable), /readyz
// (finished starting, not shutting down) and /metrics (Prometheus text from the registry passed in).
import { fastify, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from '../support/logger.ts';
import { describeError } from '../support/errors.ts';

/** A health check that hangs (a DB that accepts but never answers) must still give the prober an answer. */
export const DEFAULT_HEALTH_CHECK_TIMEOUT_MS = 5_000;

export interface HealthCheckResult {
  readonly ok: boolean;
  readonly detail: string;
}

export interface OpsServerOptions {
  readonly port: number;
  /** Default 0.0.0.0, so container probes and Prometheus can reach it. */
  readonly host?: string;
  readonly registry: Registry;
  readonly checkHealth: () => Promise<HealthCheckResult>;
  readonly isReady: () => boolean;
  readonly logger: Logger;
  readonly healthCheckTimeoutMs?: number;
}

export interface OpsServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const logger = options.logger.child({ component: 'ops-server' });
  // Fastify's own request logging stays off: Prometheus scrapes every few seconds and would drown the logs.
  const app = fastify({ logger: false });
  app.setErrorHandler((error, request, reply) => {
    logger.error({ err: describeError(error), url: request.url }, 'ops request failed');
    return reply.code(500).send({ status: 'error', detail: describeError(error) });
  });
  registerRoutes(app, options, logger);
  const host = options.host ?? '0.0.0.0';
  try {
    await app.listen({ port: options.port, host });
  } catch (error) {
    throw new Error(
      `Could not start the ops HTTP server on ${host}:${options.port}: ${describeError(error)}. ` +
        'Set PORT to a free port (0 picks one).',
      { cause: error },
    );
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  logger.info({ port }, 'ops server listening (/healthz, /readyz, /metrics)');
  return { url: `http://${urlHost}:${port}`, port, close: () => app.close() };
}

function registerRoutes(app: FastifyInstance, options: OpsServerOptions, logger: Logger): void {
  const timeoutMs = options.healthCheckTimeoutMs ?? DEFAULT_HEALTH_CHECK_TIMEOUT_MS;
  app.get('/healthz', async (_request, reply) => {
    const health = await runHealthCheck(options.checkHealth, timeoutMs);
    if (!health.ok) logger.warn({ detail: health.detail }, 'health check failed');
    return reply.code(health.ok ? 200 : 503).send({ status: health.ok ? 'ok' : 'failing', detail: health.detail });
  });
  app.get('/readyz', async (_request, reply) => {
    const ready = options.isReady();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await options.registry.metrics();
    return reply.code(200).header('content-type', options.registry.contentType).send(text);
  });
}

/** Never rejects: a throwing or hanging check is a failed check, with the reason as detail. */
export async function runHealthCheck(
  checkHealth: () => Promise<HealthCheckResult>,
  timeoutMs: number,
): Promise<HealthCheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthCheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `health check gave no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([
      checkHealth().catch((error: unknown) => ({ ok: false, detail: `health check threw: ${describeError(error)}` })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
