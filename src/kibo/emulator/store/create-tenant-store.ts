import type { TenantStore } from '../tenant-store.ts';

// Temporary: the interface lands first so the HTTP server compiles; the implementation follows.
export function createTenantStore(_snapshot?: unknown): TenantStore {
  throw new Error('createTenantStore: the tenant store implementation has not landed yet (helper B2 is writing it)');
}
