// The daemon warns loudly when its ERP login could write: it only ever needs to read.
import type pg from 'pg';

export interface ErpWriteAccess {
  readonly canWrite: boolean;
  readonly detail: string;
}

export async function checkErpWriteAccess(pool: pg.Pool): Promise<ErpWriteAccess> {
  const result = await pool.query<{ writable_tables: string; superuser: boolean; readonly_default: string }>(`
    select
      (select count(*) from information_schema.table_privileges
        where grantee in (current_user, 'PUBLIC')
          and privilege_type in ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
          and table_schema not in ('pg_catalog', 'information_schema', 'kibo_sync'))::text as writable_tables,
      (select rolsuper from pg_roles where rolname = current_user) as superuser,
      current_setting('default_transaction_read_only') as readonly_default`);
  const row = result.rows[0]!;
  const writable = Number(row.writable_tables);
  if (row.readonly_default === 'on') return { canWrite: false, detail: 'default_transaction_read_only is on' };
  if (row.superuser) return { canWrite: true, detail: 'the ERP user is a superuser' };
  if (writable > 0) return { canWrite: true, detail: `the ERP user may write to ${writable} table grant(s)` };
  return { canWrite: false, detail: 'the ERP user has no write grants outside kibo_sync' };
}
