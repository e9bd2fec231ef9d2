// Prints the sample ERP fingerprints a real Postgres returns (see sample-erp-fingerprints.ts); the URL must
// name an empty database: this script loads schema.sql, data.sql and then changes.sql into it.
import { createErpPool } from '../../../src/erp/read-erp-rows.ts';
import { runSqlFiles } from '../../../src/demo/run-sql-files.ts';
import { SAMPLE_ERP_FILES, fingerprintErpTable, fingerprintSampleErp } from './sample-erp-fingerprints.ts';

const url = process.argv[2];
if (url === undefined) throw new Error('usage: print-sample-erp-fingerprints.ts <postgres URL of an empty database>');
await runSqlFiles(url, [SAMPLE_ERP_FILES.schema, SAMPLE_ERP_FILES.data]);
const pool = createErpPool(url);
const fingerprints = await fingerprintSampleErp(pool);
await runSqlFiles(url, [SAMPLE_ERP_FILES.changes]);
fingerprints['items after changes.sql'] = await fingerprintErpTable(pool, 'items');
await pool.end();
console.log(JSON.stringify(fingerprints, null, 2));
