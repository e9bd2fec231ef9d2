import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiAuthMemCache } from '@kibocommerce/rest-sdk/utilities/index.js';
import { createAccessTokenRefresher, dropCachedAuthTicket, readCachedAccessToken } from '../../../src/kibo/sdk-auth-cache.ts';

function cacheTicket(clientId: string, accessToken: string): void {
  apiAuthMemCache.setAuthTicket(clientId, {
    access_token: accessToken,
    token_type: 'bearer',
    expires_in: 3600,
    expires_at: Date.now() + 3_600_000,
    refresh_token: 'refresh',
  });
}

describe("the SDK's module-level auth ticket cache", () => {
  it('is keyed by clientId alone, and dropCachedAuthTicket makes the SDK see no ticket', async () => {
    const clientId = `cache-test-${randomUUID()}`;
    cacheTicket(clientId, 'token-1');
    expect(await readCachedAccessToken(clientId)).toBe('token-1');
    expect(await readCachedAccessToken(`${clientId}-other`)).toBeUndefined();
    dropCachedAuthTicket(clientId);
    expect(await apiAuthMemCache.getAuthTicket(clientId)).toBeFalsy();
    expect(await readCachedAccessToken(clientId)).toBeUndefined();
  });

  it('refresher: concurrent 401s share one login; an older rejected token picks up the new ticket', async () => {
    const clientId = `cache-test-${randomUUID()}`;
    cacheTicket(clientId, 'old');
    let logins = 0;
    const refresh = createAccessTokenRefresher(clientId, async () => {
      logins += 1;
      expect(await readCachedAccessToken(clientId)).toBeUndefined(); // dropped before logging in again
      await new Promise((resolve) => setTimeout(resolve, 20));
      cacheTicket(clientId, 'new'); // what the SDK's APIAuthClient does after authenticating
      return 'new';
    });
    expect(await Promise.all([refresh('old'), refresh('old'), refresh('old')])).toEqual(['new', 'new', 'new']);
    expect(logins).toBe(1);
    expect(await refresh('old')).toBe('new');
    expect(logins).toBe(1);
    expect(await refresh('new')).toBe('new');
    expect(logins).toBe(2);
  });
});
