// What the SDK caches, and how we get a fresh token when Kibo rejects a cached one.
//
// Read from @kibocommerce/rest-sdk 3.2634.1 and @kibocommerce/sdk-authentication 1.0.1:
// - Auth tickets: `utilities/api-auth-mem-cache.js` is ONE module-level node-cache shared by every
//   Configuration in the process, keyed by clientId only (not auth host, not secret, not tenant). The
//   entry's TTL is the ticket's `expires_in` seconds of wall-clock time (Date.now, not our Clock).
//   APIAuthClient.getAccessToken() authenticates when the cache has no ticket and refreshes (with the
//   refresh_token) when `expires_at < Date.now()`; because node-cache evicts at the same instant, the
//   refresh branch is practically dead and expiry means a new client_credentials login. There is no
//   safety margin: a ticket one second from expiry is still sent. The cache API has no delete.
// - Tenant data: `utilities/tenant-data-mem-cache.js` is another module-level node-cache keyed by
//   tenantId only, TTL one hour of wall-clock time. TenantManager.getTenant() looks the tenant up at
//   `https://{authHost}/api/platform/tenants/{id}` when it is not cached, and every API call then uses
//   `https://{tenant.domain}/api`. A failed lookup is not cached; any status but 200 throws
//   "error fetching tenant data" (status lost), so our fetch retries 429/5xx below it.
// Consequences: two clients with the same clientId (or tenantId) against different hosts share tickets
// (or domains); a ticket revoked server-side stays cached until its TTL. We therefore treat a 401 on a
// call that carried a Bearer token as "the cached ticket is no good": drop it and resend once with a
// fresh one (kibo-fetch's refreshAccessToken hook). With the emulator routing fetch every https URL
// goes to the emulator, so a shared tenant domain is harmless there; a shared ticket is healed by the
// 401 refresh. Tests still give each emulator its own clientId and tenantId.
import { apiAuthMemCache } from '@kibocommerce/rest-sdk/utilities/index.js';

/**
 * Drops the SDK's cached ticket for this clientId. The cache offers only get/set, so we overwrite the
 * entry with a negative TTL: node-cache then treats it as expired and `getAuthTicket` answers nothing,
 * which makes the SDK log in again on its next call.
 */
export function dropCachedAuthTicket(clientId: string): void {
  apiAuthMemCache.setAuthTicket(clientId, {
    access_token: '',
    token_type: 'bearer',
    expires_in: -1,
    expires_at: 0,
    refresh_token: null,
  });
}

/** The access token the SDK would send now for this clientId, if it has one cached. */
export async function readCachedAccessToken(clientId: string): Promise<string | undefined> {
  const ticket = (await apiAuthMemCache.getAuthTicket(clientId)) as { access_token?: unknown } | false | undefined;
  if (!ticket || typeof ticket.access_token !== 'string' || ticket.access_token === '') return undefined;
  return ticket.access_token;
}

/**
 * Builds kibo-fetch's refreshAccessToken hook. Concurrent 401s share one login, and a request that was
 * rejected with an older token simply picks up the ticket another request already refreshed.
 */
export function createAccessTokenRefresher(
  clientId: string,
  loginAgain: () => Promise<string | undefined>,
): (rejectedToken: string) => Promise<string | undefined> {
  let inFlight: Promise<string | undefined> | undefined;
  return async (rejectedToken) => {
    const cached = await readCachedAccessToken(clientId);
    if (cached !== undefined && cached !== rejectedToken) return cached;
    inFlight ??= (async () => {
      dropCachedAuthTicket(clientId);
      return loginAgain();
    })().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
