// The fastify app: per-request order is faults (429/5xx, /api only) → bearer check → job advancement →
// route. Every error leaves as Kibo's JSON error shape.
import { fastify, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { EmulatorContext } from './emulator-context.ts';
import { EmulatorHttpError, errorCodeForStatus, formatKiboError, sendKiboError } from './emulator-errors.ts';
import { OAUTH_PATH, assertAuthorized, registerAuthRoutes } from './emulator-auth-routes.ts';
import { registerFileRoutes } from './emulator-file-routes.ts';
import { registerJobRoutes } from './emulator-job-routes.ts';
import { registerAdminRoutes } from './emulator-admin-routes.ts';

const JSON_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

export async function buildEmulatorServer(context: EmulatorContext): Promise<FastifyInstance> {
  const app = fastify({ logger: false, bodyLimit: JSON_BODY_LIMIT_BYTES });
  // Some OAuth clients post form-encoded bodies; the SDK posts JSON. Both reach the same route.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.addHook('onRequest', async (request, reply) => {
    const path = pathOf(request);
    if (path.startsWith('/api/')) {
      context.countApiCall();
      const fault = context.faults.decideApiCallFault();
      if (fault.kind === 'rateLimited') {
        // Exactly Kibo's throttle answer: no body at all, so the SDK's JSON.parse throws.
        return reply.code(429).header('retry-after', String(fault.retryAfterSeconds)).header('content-length', '0').send();
      }
      if (fault.kind === 'serverError') {
        return sendKiboError(reply, fault.status, errorCodeForStatus(fault.status), 'The service is temporarily unavailable (emulator fault injection): retry later');
      }
      if (path !== OAUTH_PATH) assertAuthorized(request, context);
    }
    await context.jobs.advance();
    return undefined;
  });

  app.addHook('onResponse', async (request, reply) => {
    context.logger.debug(
      { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'emulator request',
    );
  });

  app.setErrorHandler((error: FastifyError | EmulatorHttpError, request, reply) => {
    if (error instanceof EmulatorHttpError) {
      return sendKiboError(reply, error.statusCode, error.errorCode, error.message);
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) context.logger.error({ err: error, url: request.url }, 'emulator request failed');
    return reply.code(status).send(formatKiboError(errorCodeForStatus(status), error.message));
  });

  app.setNotFoundHandler((request, reply) =>
    sendKiboError(reply, 404, 'ITEM_NOT_FOUND', `No such endpoint: ${request.method} ${pathOf(request)}`),
  );

  registerAuthRoutes(app, context);
  await registerFileRoutes(app, context);
  registerJobRoutes(app, context);
  registerAdminRoutes(app, context);
  return app;
}

function pathOf(request: FastifyRequest): string {
  const queryStart = request.url.indexOf('?');
  return queryStart === -1 ? request.url : request.url.slice(0, queryStart);
}
