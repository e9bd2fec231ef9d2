// Plans of guarded runs and their approvals. An approval releases exactly one run: consumeApproval marks it
// used in a single conditional UPDATE, so of two runs racing for it only one gets the plan back.
import type { Knex } from 'knex';
import { STATE_TABLES } from './state-schema.ts';
import { optionalDate, optionalNumber, toDate } from './state-rows.ts';
import type { SavePlanInput, PlanRecord } from './state-types.ts';

export async function savePlan(db: Knex, plan: SavePlanInput): Promise<void> {
  await db(STATE_TABLES.plans).insert({
    id: plan.id,
    run_id: plan.runId,
    sync: plan.sync,
    plan_hash: plan.planHash,
    action: plan.action,
    violations: JSON.stringify(plan.violations),
    sample_keys: JSON.stringify(plan.sampleKeys),
    counts: JSON.stringify(plan.counts),
    created_at: plan.createdAt,
  });
}

export async function findPlan(db: Knex, id: string): Promise<PlanRecord | undefined> {
  const row = (await db({ plan: STATE_TABLES.plans })
    .leftJoin({ approval: STATE_TABLES.approvals }, 'approval.plan_id', 'plan.id')
    .select('plan.*', 'approval.approved_at', 'approval.consumed_by_run_id', 'approval.consumed_at')
    .where('plan.id', id)
    .first()) as Record<string, unknown> | undefined;
  return row === undefined ? undefined : parsePlanRow(row);
}

/**
 * Approves a plan for one run. Approving a plan that is approved and unused changes nothing; a plan whose
 * approval was already used cannot be approved again (its run has happened; a new run makes a new plan).
 */
export async function approvePlan(db: Knex, planId: string, approvedAt: Date): Promise<void> {
  await db.transaction(async (trx) => {
    const plan = (await trx(STATE_TABLES.plans).select('id').where({ id: planId }).forUpdate().first()) as
      | { id: string }
      | undefined;
    if (plan === undefined) {
      throw new Error(`Cannot approve plan "${planId}": no such plan. Copy the plan id from the blocked run's output.`);
    }
    const existing = (await trx(STATE_TABLES.approvals).where({ plan_id: planId }).first()) as
      | Record<string, unknown>
      | undefined;
    if (existing === undefined) {
      await trx(STATE_TABLES.approvals).insert({ plan_id: planId, approved_at: approvedAt });
      return;
    }
    if (existing.consumed_at !== null) {
      throw new Error(
        `Cannot approve plan "${planId}" again: its approval was already used by run ${String(existing.consumed_by_run_id)}. ` +
          'Run the sync again to get a new plan, then approve that one.',
      );
    }
  });
}

/** Marks the plan's approval used by `runId`. Undefined when the plan is unknown, unapproved or already used. */
export async function consumeApproval(
  db: Knex,
  planId: string,
  runId: number,
  at: Date,
): Promise<PlanRecord | undefined> {
  const consumed = await db(STATE_TABLES.approvals)
    .where({ plan_id: planId })
    .whereNull('consumed_at')
    .update({ consumed_by_run_id: runId, consumed_at: at });
  if (consumed !== 1) return undefined;
  return findPlan(db, planId);
}

function parsePlanRow(row: Record<string, unknown>): PlanRecord {
  const approvedAt = optionalDate(row.approved_at);
  return {
    id: String(row.id),
    runId: Number(row.run_id),
    sync: String(row.sync),
    planHash: String(row.plan_hash),
    action: String(row.action),
    violations: (row.violations ?? []) as unknown[],
    sampleKeys: (row.sample_keys ?? []) as string[],
    counts: (row.counts ?? {}) as Record<string, number>,
    createdAt: toDate(row.created_at),
    approval:
      approvedAt === undefined
        ? undefined
        : {
            approvedAt,
            consumedByRunId: optionalNumber(row.consumed_by_run_id),
            consumedAt: optionalDate(row.consumed_at),
          },
  };
}
