// OAuth tickets: opaque random tokens that expire on the injected clock. Access and refresh tokens
// are persisted with the rest of the state so a client survives an emulator restart.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../support/clock.ts';

/** Refresh tokens outlive access tokens by this factor (at least a day), as Kibo's do. */
const REFRESH_TOKEN_TTL_FACTOR = 24;
const MIN_REFRESH_TOKEN_TTL_SECONDS = 86_400;

/** What the SDK's APIAuthClient reads: access_token, expires_in (it computes expires_at itself), refresh_token. */
export interface AppAuthTicket {
  readonly access_token: string;
  readonly token_type: 'bearer';
  readonly expires_in: number;
  readonly refresh_token: string;
  readonly refresh_token_expires_in: number;
  readonly scope: string;
  readonly jti: string;
}

export interface TokenRecord {
  readonly expiresAt: number;
  readonly kind: 'access' | 'refresh';
}

export type TokenCheck =
  | { readonly valid: true }
  | { readonly valid: false; readonly reason: 'missing' | 'unknown' | 'expired'; readonly expiredAt?: number };

export interface TokenRegistry {
  issue(ttlSeconds: number): AppAuthTicket;
  checkAccessToken(token: string | undefined): TokenCheck;
  /** True if the refresh token exists and has not expired. */
  isRefreshTokenValid(token: string): boolean;
  /** Access tokens expire now; refresh tokens stay valid so clients can refresh. */
  expireAllAccessTokens(): void;
  snapshot(): Record<string, TokenRecord>;
}

export function createTokenRegistry(clock: Clock, restored: Record<string, TokenRecord> = {}): TokenRegistry {
  const tokens = new Map<string, TokenRecord>(Object.entries(restored));
  const newToken = (): string => randomBytes(32).toString('base64url');
  const forgetLongExpiredTokens = (): void => {
    // Bounded memory for long-running emulators; a recently expired token is kept so its 401 can say "expired".
    const forgetBefore = clock.now() - MIN_REFRESH_TOKEN_TTL_SECONDS * 1000;
    for (const [token, record] of tokens) {
      if (record.expiresAt <= forgetBefore) tokens.delete(token);
    }
  };

  return {
    issue: (ttlSeconds) => {
      forgetLongExpiredTokens();
      const now = clock.now();
      const refreshTtlSeconds = Math.max(ttlSeconds * REFRESH_TOKEN_TTL_FACTOR, MIN_REFRESH_TOKEN_TTL_SECONDS);
      const accessToken = newToken();
      const refreshToken = newToken();
      tokens.set(accessToken, { kind: 'access', expiresAt: now + ttlSeconds * 1000 });
      tokens.set(refreshToken, { kind: 'refresh', expiresAt: now + refreshTtlSeconds * 1000 });
      return {
        access_token: accessToken,
        token_type: 'bearer',
        expires_in: ttlSeconds,
        refresh_token: refreshToken,
        refresh_token_expires_in: refreshTtlSeconds,
        scope: 'ImportExport',
        jti: createHash('sha256').update(accessToken).digest('hex').slice(0, 32),
      };
    },
    checkAccessToken: (token) => {
      if (token === undefined || token === '') return { valid: false, reason: 'missing' };
      const record = tokens.get(token);
      if (record?.kind !== 'access') return { valid: false, reason: 'unknown' };
      if (record.expiresAt <= clock.now()) return { valid: false, reason: 'expired', expiredAt: record.expiresAt };
      return { valid: true };
    },
    isRefreshTokenValid: (token) => {
      const record = tokens.get(token);
      return record?.kind === 'refresh' && record.expiresAt > clock.now();
    },
    expireAllAccessTokens: () => {
      const now = clock.now();
      for (const [token, record] of tokens) {
        if (record.kind === 'access' && record.expiresAt > now) tokens.set(token, { ...record, expiresAt: now });
      }
    },
    snapshot: () => Object.fromEntries(tokens),
  };
}
