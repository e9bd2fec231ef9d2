// When a sync was last due by its cron expression. node-cron only looks forward (next run); a restarted
// daemon must look back to decide whether it missed a tick, so that question goes to cron-parser.
import { CronExpressionParser } from 'cron-parser';

/** Cron ticks are whole seconds: both replicas must name a tick by the same instant. */
export function truncateToSecond(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** The latest time at or before `now` that `schedule` (5- or 6-field cron, in `timezone`) was due. */
export function findPreviousScheduleTime(schedule: string, timezone: string, now: Date): Date {
  // cron-parser's prev() is strictly before currentDate; a tick exactly at `now` counts as passed.
  const expression = CronExpressionParser.parse(schedule, { currentDate: new Date(now.getTime() + 1), tz: timezone });
  return expression.prev().toDate();
}

/**
 * Whether a sync needs one catch-up run at start: it ran before (a sync that never ran missed nothing),
 * and its last due time passed after that run started. Several missed ticks still give one run.
 */
export function needsCatchUpRun(input: {
  readonly schedule: string;
  readonly timezone: string;
  readonly now: Date;
  readonly lastRunStartedAt: Date | undefined;
}): { readonly due: boolean; readonly dueAt: Date } {
  const dueAt = findPreviousScheduleTime(input.schedule, input.timezone, input.now);
  const due = input.lastRunStartedAt !== undefined && input.lastRunStartedAt.getTime() < dueAt.getTime();
  return { due, dueAt };
}
