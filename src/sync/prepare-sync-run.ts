// Stages 1–4 of one sync's run: export what Kibo has, read what the ERP says, diff by key, plan, and
// write the CSV to upload. Nothing is sent to Kibo here except the export request; the plan decides
// whether the import stage runs at all.
import { randomBytes } from 'node:crypto';
import { createKeyedDiffer, type KeyedDiffer } from '../diff/compute-diff.ts';
import { computePlan, type Plan } from '../diff/compute-plan.ts';
import { describeSourceColumns, buildSourceSql } from '../erp/read-erp-rows.ts';
import { runExport } from '../kibo/kibo-jobs.ts';
import type { ZipSource } from '../kibo/kibo-zip.ts';
import { KIBO_JOB_FORMAT, type ContextOverride } from '../kibo/wire-types.ts';
import { assertSourceColumns, formatMappingProblems, type SyncMapping } from '../mapping/index.ts';
import { findLastGoodRun, findOwnedKeys, listSentDeletes, findPlan, recordKiboJob, savePlan, approvePlan, consumeApproval } from '../state/index.ts';
import type { RunRecord } from '../state/index.ts';
import { ConfigurationError } from '../support/errors.ts';
import { openCsvFileWriter } from './csv-file-writer.ts';
import { readErpSide, type ErpSideOutcome } from './read-erp-side.ts';
import { readKiboExportRows } from './read-kibo-export.ts';
import { KIBO_WORKER_MIN_EXPORT_BYTES, readKiboSide } from './read-kibo-side.ts';
import { openErpCopySpill } from './erp-copy-spill.ts';
import { openSpillRowStore } from './open-spill-row-store.ts';
import { ERP_ROWS_SPILL, KIBO_ROWS_SPILL, type RunDirectory } from './run-directory.ts';
import type { StageTimer } from './stage-timer.ts';
import type { AssertCanContinue, RunOptions, SyncDeps } from './sync-deps.ts';
import { createKeyEncoder, type KeyEncoder } from './sync-keys.ts';
import { writeErpSnapshotRows } from './write-erp-snapshot.ts';
import { appendWrittenRow, createWrittenRows, type WrittenRows } from './written-rows.ts';

export interface RunContext {
  readonly deps: SyncDeps;
  readonly mapping: SyncMapping;
  readonly run: RunRecord;
  readonly dir: RunDirectory;
  readonly options: RunOptions;
  readonly stages: StageTimer;
  readonly assertCanContinue: AssertCanContinue;
  /** Audit files written so far, by role. */
  readonly files: Record<string, string>;
}

export interface PreparedRun {
  readonly context: RunContext;
  readonly plan: Plan;
  readonly planId: string;
  readonly exported: number;
  readonly erp: ErpSideOutcome;
  readonly counts: Readonly<Record<'added' | 'changed' | 'unchanged' | 'removed', number>>;
  /** What to import: absent when the plan sends nothing, is blocked, or the run is a dry run. */
  readonly upload?: { readonly rows: WrittenRows; readonly deleteOmitted: boolean };
  /** Deletes earlier snapshots sent, checked against this run's export (see confirmSentDeletes). */
  readonly sentDeletes: { readonly sent: readonly string[]; readonly stillInKibo: readonly string[] };
}

export async function prepareSyncRun(context: RunContext): Promise<PreparedRun> {
  const { mapping, stages } = context;
  await assertQueryColumns(context);
  const zip = await stages.time('export', () => exportKiboSide(context));
  const encodeRowKey = createKeyEncoder(mapping);
  // Kibo rows' keys and per-field hashes live on disk for the diff's duration (open-spill-row-store.ts).
  const store = openSpillRowStore(context.dir.file(KIBO_ROWS_SPILL));
  try {
    const differ = createKeyedDiffer(mapping.fields.map((field) => field.spec), { store });
    return await diffAndPlan(context, { zip, differ, encodeRowKey });
  } finally {
    store.close();
  }
}

async function diffAndPlan(
  context: RunContext,
  input: { readonly zip: ExportedZip; readonly differ: KeyedDiffer; readonly encodeRowKey: KeyEncoder },
): Promise<PreparedRun> {
  const { stages } = context;
  const { differ, encodeRowKey } = input;
  const zip = input.zip.source;
  const { exported, unkeyed, erp, delta } = await readBothSides(context, input);
  // Kibo's export is evidence for earlier snapshots' deletes: the differ knows every key it holds.
  const sent = await listSentDeletes(context.deps.db, context.mapping.sync);
  const sentDeletes = { sent, stillInKibo: sent.filter((key) => differ.hasKiboKey(key)) };
  const removedKeys = [...differ.finishRemoved()];
  const { plan, planId } = await stages.time('plan', () => planRun(context, differ, erp, removedKeys, unkeyed));
  const snapshot =
    plan.action === 'snapshot'
      ? await stages.time('write', () => writeSnapshot(context, { differ, encodeRowKey, erp, zip, removedKeys, plan }))
      : undefined;
  const counts = { ...differ.counts };
  return { context, plan, planId, exported, erp, counts, sentDeletes, ...chooseUpload(context, plan, delta, snapshot) };
}

/**
 * Kibo's side, then the ERP's; or both at once when SyncDeps.kiboWorkerMinExportBytes puts Kibo's side
 * on a worker thread (off by default: see read-kibo-side.ts for the measurement).
 */
async function readBothSides(
  context: RunContext,
  input: { readonly zip: ExportedZip; readonly differ: KeyedDiffer; readonly encodeRowKey: KeyEncoder },
): Promise<{ exported: number; unkeyed: number; erp: ErpSideOutcome; delta: WrittenRows }> {
  const { deps, mapping, stages } = context;
  const { differ, encodeRowKey } = input;
  // Not for a resync: it sends every row, so deferred rows could not settle unread (compute-diff.ts deferErp).
  const onWorkerThread = !context.options.resync && input.zip.bytes >= (deps.kiboWorkerMinExportBytes ?? KIBO_WORKER_MIN_EXPORT_BYTES);
  // ERP rows read before Kibo's side gives their key are deferred, their bytes kept here (read-erp-side.ts).
  const spill = onWorkerThread ? openErpCopySpill(context.dir.file(ERP_ROWS_SPILL)) : undefined;
  const stopKibo = new AbortController();
  const signal = deps.signal ? AbortSignal.any([deps.signal, stopKibo.signal]) : stopKibo.signal;
  const kiboLoading = stages.time('read-kibo', () => readKiboSide({ zip: input.zip.source, mapping, differ, onWorkerThread, signal }));
  let kiboFailed = false;
  // The outcome is awaited below; this only tells the ERP read to stop early (and keeps a failure from
  // counting as unhandled while the ERP side runs).
  kiboLoading.catch(() => (kiboFailed = true));
  if (!onWorkerThread) await kiboLoading;
  const header = mapping.fields.map((field) => field.header);
  const delta = createWrittenRows(await openCsvFileWriter(context.dir.file('upload-delta.csv'), header));
  let erp: ErpSideOutcome;
  try {
    erp = await stages.time('read-erp', () =>
      readErpSide(deps, {
        mapping, runId: context.run.id, differ, encodeRowKey, resync: context.options.resync, delta,
        ...(spill ? { deferral: { kiboDone: kiboLoading, kiboFailed: () => kiboFailed, spill } } : {}),
      }),
    );
  } catch (error) {
    stopKibo.abort(error);
    throw error;
  } finally {
    await delta.writer.close();
    await spill?.remove();
  }
  const { exported, unkeyed } = await kiboLoading;
  if (unkeyed > 0) {
    deps.logger.warn({ sync: mapping.sync, unkeyed }, `${unkeyed} Kibo rows have a blank key field: they cannot be matched, and no snapshot may run while they exist`);
  }
  return { exported, unkeyed, erp, delta };
}

interface SnapshotInput {
  readonly differ: KeyedDiffer;
  readonly encodeRowKey: KeyEncoder;
  readonly erp: ErpSideOutcome;
  readonly zip: ZipSource;
  readonly removedKeys: readonly string[];
  readonly plan: Plan;
}

/** Every ERP row (a second read), then the removed Kibo rows this sync does not own, unchanged. */
async function writeSnapshot(context: RunContext, input: SnapshotInput): Promise<WrittenRows> {
  const { mapping } = context;
  const snapshot = createWrittenRows(await openCsvFileWriter(context.dir.file('upload-snapshot.csv'), mapping.fields.map((field) => field.header)));
  try {
    await writeErpSnapshotRows(context.deps, { mapping, differ: input.differ, encodeRowKey: input.encodeRowKey, snapshot, firstPassCount: input.erp.sourceCount });
    const deleting = new Set(input.plan.deleteKeys);
    const carry = new Set(input.removedKeys.filter((key) => !deleting.has(key)));
    await carryUnownedKiboRows(input.zip, mapping, input.encodeRowKey, carry, snapshot);
  } finally {
    await snapshot.writer.close();
  }
  return snapshot;
}

function chooseUpload(context: RunContext, plan: Plan, delta: WrittenRows, snapshot?: WrittenRows): Pick<PreparedRun, 'upload'> {
  context.files.deltaCsv = delta.writer.path;
  if (snapshot) context.files.snapshotCsv = snapshot.writer.path;
  if (context.options.dryRun) return {};
  if (plan.action === 'delta' && delta.erpRows > 0) return { upload: { rows: delta, deleteOmitted: false } };
  if (plan.action === 'snapshot' && snapshot) return { upload: { rows: snapshot, deleteOmitted: true } };
  return {};
}

async function assertQueryColumns(context: RunContext): Promise<void> {
  const { mapping, deps } = context;
  const source = mapping.source.kind === 'query' ? { query: mapping.source.query } : { table: mapping.source.table };
  const columns = await describeSourceColumns(deps.erpPool, buildSourceSql(source));
  const problems = assertSourceColumns(mapping, columns);
  if (problems.length > 0) {
    throw new ConfigurationError(`mapping ${mapping.file} does not fit its ERP query:\n${formatMappingProblems(problems)}`);
  }
}

export function toContextOverride(mapping: SyncMapping): ContextOverride | undefined {
  const context = mapping.context;
  if (context === undefined) return undefined;
  return {
    locale: context.locale,
    currency: context.currency,
    masterCatalog: context.masterCatalog,
    catalog: context.catalog,
    site: context.site,
  };
}

interface ExportedZip {
  readonly source: ZipSource;
  readonly bytes: number;
}

/** Kibo's export zip, downloaded straight into the run directory (kept there as evidence). */
async function exportKiboSide(context: RunContext): Promise<ExportedZip> {
  const { deps, mapping, run } = context;
  const contextOverride = toContextOverride(mapping);
  const request = {
    name: `kibo-sync ${mapping.sync} export (run ${run.id})`,
    domain: mapping.resource.domain,
    resources: [{ resource: mapping.resource.name, format: KIBO_JOB_FORMAT, fields: mapping.fields.map((field) => field.name) }],
    ...(contextOverride ? { contextOverride } : {}),
  };
  context.assertCanContinue();
  let jobId: string | undefined;
  const exported = await runExport(deps.kibo, request, {
    destination: context.dir.file('kibo-export.zip'),
    clock: deps.clock,
    pollIntervalMs: deps.timings.pollIntervalMs,
    maxPollIntervalMs: deps.timings.maxPollIntervalMs,
    deadlineMs: deps.timings.jobDeadlineMs,
    exportFilesTimeoutMs: deps.timings.exportFilesTimeoutMs,
    ...(deps.signal ? { signal: deps.signal } : {}),
    onJobCreated: (job) => {
      jobId = job.id;
    },
  });
  if (jobId !== undefined) {
    await recordKiboJob(deps.db, { id: jobId, runId: run.id, kind: 'export', status: 'complete', request, createdAt: new Date(deps.clock.now()) });
  }
  context.files.kiboExport = exported.path;
  return { source: { path: exported.path }, bytes: exported.bytes };
}

async function carryUnownedKiboRows(zip: ZipSource, mapping: SyncMapping, encodeRowKey: KeyEncoder, carry: ReadonlySet<string>, snapshot: WrittenRows): Promise<void> {
  if (carry.size === 0) return;
  for await (const row of readKiboExportRows(zip, mapping, encodeRowKey)) {
    if (row.key !== undefined && carry.has(row.key)) await appendWrittenRow(snapshot, row.cells, true);
  }
}

async function planRun(context: RunContext, differ: KeyedDiffer, erp: ErpSideOutcome, removedKeys: string[], unkeyedKiboRows: number): Promise<{ plan: Plan; planId: string }> {
  const { deps, mapping, run } = context;
  const lastGood = await findLastGoodRun(deps.db, mapping.sync);
  const approvedPlanHash = await loadApproval(context);
  // A rejected row whose key could not be read might be any Kibo row: none of the removed keys is safe then.
  const rejectedKeys = erp.unkeyedRejections > 0 ? new Set([...erp.rejectedKeys, ...removedKeys]) : erp.rejectedKeys;
  const plan = computePlan({
    deletes: mapping.deletes,
    counts: differ.counts,
    sourceCount: erp.sourceCount,
    sourceFailed: erp.sourceError !== undefined,
    removedKeys,
    ownedKeys: await findOwnedKeys(deps.db, mapping.sync, removedKeys),
    rejectedKeys,
    lastGoodSourceCount: lastGood?.counts.source ?? null,
    guards: mapping.guards,
    resync: context.options.resync,
    unkeyedKiboRows,
    ...(approvedPlanHash ? { approvedPlanHash } : {}),
  });
  const planId = `plan_${run.id}_${randomBytes(4).toString('hex')}`;
  const sampleKeys = plan.deleteKeys.slice(0, 20);
  const now = new Date(deps.clock.now());
  await savePlan(deps.db, { id: planId, runId: run.id, sync: mapping.sync, planHash: plan.planHash, action: plan.action, violations: plan.violations, sampleKeys, counts: { ...differ.counts, source: erp.sourceCount }, createdAt: now });
  context.files.plan = await context.dir.writeJson('plan.json', { planId, ...plan, deleteKeys: plan.deleteKeys, sampleKeys });
  if (plan.approved && context.options.approvePlanId) {
    const consumed = await consumeApproval(deps.db, context.options.approvePlanId, run.id, now);
    if (!consumed) throw new Error(`approval of plan ${context.options.approvePlanId} was already used by another run; review the new plan ${planId}`);
  }
  return { plan, planId };
}

async function loadApproval(context: RunContext): Promise<string | undefined> {
  const { deps, mapping, options } = context;
  if (options.approvePlanId === undefined) return undefined;
  const plan = await findPlan(deps.db, options.approvePlanId);
  if (!plan || plan.sync !== mapping.sync) {
    throw new ConfigurationError(`plan ${options.approvePlanId} is not a plan of sync "${mapping.sync}"; see \`kibo-sync status ${mapping.sync}\``);
  }
  if (!plan.approval) await approvePlan(deps.db, plan.id, new Date(deps.clock.now()));
  return plan.planHash;
}
