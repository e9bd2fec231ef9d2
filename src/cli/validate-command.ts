// `kibo-sync validate`: checks every mapping file (and, when the ERP is configured, that each query
// returns the columns its mapping reads). Prints every problem at once; exit 2 when there are any.
import type { Command } from 'commander';
import { loadMappingFiles } from '../config/load-mapping-files.ts';
import { loadValidationSettings } from '../config/load-settings.ts';
import { buildSourceSql, createErpPool, describeSourceColumns } from '../erp/read-erp-rows.ts';
import { assertSourceColumns, formatMappingProblems, type MappingProblem, type SyncMapping } from '../mapping/index.ts';
import { describeError } from '../support/errors.ts';
import { EXIT_CODES, type CliContext } from './cli-context.ts';
import { addSettingsOptions, readSettingsOverrides } from './settings-options.ts';

export function registerValidateCommand(program: Command, context: CliContext): void {
  const command = program
    .command('validate')
    .description('Check the mapping files (and their queries against the ERP when ERP_DATABASE_URL is set)')
    .option('--offline', 'check the files only, do not connect to the ERP');
  addSettingsOptions(command).action(async (flags: Record<string, unknown>) => {
    const { mappingsDir, erpDatabaseUrl } = loadValidationSettings(readSettingsOverrides(flags));
    const { mappings, problems } = await loadMappingFiles(mappingsDir);
    const erpUrl = flags.offline === true ? undefined : erpDatabaseUrl;
    if (problems.length === 0 && erpUrl) problems.push(...(await checkQueries(erpUrl, mappings)));
    if (problems.length > 0) {
      context.stderr.write(`${problems.length} problem(s) in ${mappingsDir}:\n${formatMappingProblems(problems)}\n`);
      context.setExitCode(EXIT_CODES.configuration);
      return;
    }
    context.stdout.write(`${mappings.length} mapping(s) in ${mappingsDir} are valid${erpUrl ? ' and match their ERP queries' : ''}\n`);
  });
}

async function checkQueries(erpDatabaseUrl: string, mappings: readonly SyncMapping[]): Promise<MappingProblem[]> {
  const pool = createErpPool(erpDatabaseUrl, 'kibo-sync validate');
  const problems: MappingProblem[] = [];
  try {
    for (const mapping of mappings) {
      const source = mapping.source.kind === 'query' ? { query: mapping.source.query } : { table: mapping.source.table };
      try {
        problems.push(...assertSourceColumns(mapping, await describeSourceColumns(pool, buildSourceSql(source))));
      } catch (error) {
        problems.push({ file: mapping.file, path: 'source', message: `the ERP query fails: ${describeError(error)}`, fix: 'run the query in psql and fix it' });
      }
    }
  } finally {
    await pool.end();
  }
  return problems;
}
