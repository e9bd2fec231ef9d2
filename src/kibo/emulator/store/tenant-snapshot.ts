// The store's data as JSON for the emulator's --state file. Values are already canonical, so a
// restore re-derives each record's key from its key fields instead of trusting a stored one.
import { z } from 'zod';
import { getResource } from '../../resources/resource-registry.ts';
import { createResourceTable, readRecordKey } from './resource-table.ts';
import type { ResourceTable } from './resource-table.ts';

export const TENANT_SNAPSHOT_FORMAT = 'kibo-emulator-tenant-store';
export const TENANT_SNAPSHOT_VERSION = 1;

const tenantSnapshotSchema = z.object({
  format: z.literal(TENANT_SNAPSHOT_FORMAT),
  version: z.literal(TENANT_SNAPSHOT_VERSION),
  resources: z.array(
    z.object({
      resource: z.string(),
      extraHeaders: z.array(z.string()),
      records: z.array(z.record(z.string(), z.string())),
    }),
  ),
});

export type TenantSnapshot = z.infer<typeof tenantSnapshotSchema>;

export function serializeTenantSnapshot(tables: Iterable<ResourceTable>): TenantSnapshot {
  const resources = [...tables].map((table) => ({
    resource: table.resource.name,
    extraHeaders: [...table.extraHeaders],
    records: [...table.records.values()].map((record) => ({ ...record })),
  }));
  return { format: TENANT_SNAPSHOT_FORMAT, version: TENANT_SNAPSHOT_VERSION, resources };
}

export function restoreTenantSnapshot(snapshot: unknown): Map<string, ResourceTable> {
  const parsed = tenantSnapshotSchema.safeParse(snapshot);
  if (!parsed.success) {
    throw new Error(`The emulator state holds no valid tenant store snapshot (${z.prettifyError(parsed.error)}); delete the state file or fix it.`, { cause: parsed.error });
  }
  const tables = new Map<string, ResourceTable>();
  for (const saved of parsed.data.resources) {
    const table = createResourceTable(getResource(saved.resource), saved.extraHeaders);
    for (const record of saved.records) table.records.set(readRecordKey(table.resource, record), record);
    tables.set(table.resource.name, table);
  }
  return tables;
}
