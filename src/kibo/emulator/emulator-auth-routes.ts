// OAuth (exactly what @kibocommerce/sdk-authentication's APIAuthClient sends and reads), the bearer
// check for every other /api call, and the tenant lookup the SDK does to find the tenant's API host.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from './emulator-context.ts';
import { EmulatorHttpError } from './emulator-errors.ts';

export const OAUTH_PATH = '/api/platform/applications/authtickets/oauth';

const oauthBodySchema = z.looseObject({
  client_id: z.string(),
  client_secret: z.string(),
  grant_type: z.string().optional(),
  refresh_token: z.string().nullish(),
});

export function registerAuthRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.post(OAUTH_PATH, async (request) => {
    const parsed = oauthBodySchema.safeParse(request.body);
    if (!parsed.success) {
      throw new EmulatorHttpError(
        400,
        'VALIDATION_ERROR',
        'The OAuth request needs a JSON body {client_id, client_secret, grant_type} (and refresh_token to refresh)',
      );
    }
    const { client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken } = parsed.data;
    if (clientId !== context.settings.clientId || clientSecret !== context.settings.sharedSecret) {
      throw new EmulatorHttpError(
        401,
        'UNAUTHORIZED',
        `Invalid client credentials for application "${clientId}": check the client id and shared secret`,
      );
    }
    if (refreshToken !== undefined && refreshToken !== null && !context.tokens.isRefreshTokenValid(refreshToken)) {
      throw new EmulatorHttpError(401, 'UNAUTHORIZED', 'The refresh token is unknown or expired: authenticate again');
    }
    const ttlSeconds = context.faults.get().tokenTtlSeconds ?? context.settings.tokenTtlSeconds;
    const ticket = context.tokens.issue(ttlSeconds);
    context.markChanged();
    return ticket;
  });

  app.get<{ Params: { tenantId: string } }>('/api/platform/tenants/:tenantId', async (request) => {
    const { settings } = context;
    if (request.params.tenantId !== String(settings.tenantId)) {
      throw new EmulatorHttpError(404, 'ITEM_NOT_FOUND', `Tenant ${request.params.tenantId} does not exist here`);
    }
    return formatTenant(settings, new URL(context.baseUrl()).host);
  });
}

/** Throws the 401 a real tenant answers for a missing, unknown or expired bearer token. */
export function assertAuthorized(request: FastifyRequest, context: EmulatorContext): void {
  const header = request.headers.authorization;
  const token = header === undefined ? undefined : /^Bearer\s+(.+)$/i.exec(header.trim())?.[1];
  const check = context.tokens.checkAccessToken(token);
  if (check.valid) return;
  const messages = {
    missing: 'No access token: send "Authorization: Bearer <access_token>" obtained from the OAuth call',
    unknown: 'The access token is not valid for this tenant: authenticate again',
    expired: `The access token expired at ${new Date(check.expiredAt ?? 0).toISOString()}: refresh it or authenticate again`,
  } as const;
  throw new EmulatorHttpError(401, 'UNAUTHORIZED', messages[check.reason]);
}

function formatTenant(settings: EmulatorContext['settings'], domain: string): Record<string, unknown> {
  const site = {
    id: settings.siteId,
    // The SDK's TenantManager.getSite matches on `siteId`; Kibo's tenant JSON says `id`: give both.
    siteId: settings.siteId,
    tenantId: settings.tenantId,
    catalogId: settings.catalogId,
    masterCatalogId: settings.masterCatalogId,
    name: 'Emulator Site',
    domain,
    primaryCustomDomain: null,
  };
  return {
    id: settings.tenantId,
    name: 'Kibo Emulator Tenant',
    domain,
    isDevTenant: true,
    sites: [site],
    masterCatalogs: [
      {
        id: settings.masterCatalogId,
        name: 'Emulator Master Catalog',
        catalogs: [{ id: settings.catalogId, name: 'Emulator Catalog', masterCatalogId: settings.masterCatalogId }],
      },
    ],
  };
}
