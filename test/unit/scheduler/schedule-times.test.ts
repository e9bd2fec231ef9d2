import { describe, expect, it } from 'vitest';
import { findPreviousScheduleTime, needsCatchUpRun, truncateToSecond } from '../../../src/scheduler/schedule-times.ts';

describe('findPreviousScheduleTime', () => {
  it('finds the last due time of a 5-field schedule before now', () => {
    expect(findPreviousScheduleTime('*/30 * * * *', 'UTC', new Date('2026-03-01T10:47:12Z')).toISOString()).toBe('2026-03-01T10:30:00.000Z');
  });

  it('counts a tick exactly at now as passed', () => {
    expect(findPreviousScheduleTime('0 * * * *', 'UTC', new Date('2026-03-01T10:00:00Z')).toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });

  it('reads 6-field schedules with seconds', () => {
    expect(findPreviousScheduleTime('*/2 * * * * *', 'UTC', new Date('2026-03-01T10:00:05.400Z')).toISOString()).toBe('2026-03-01T10:00:04.000Z');
  });

  it('evaluates the schedule in the sync\'s time zone', () => {
    // 02:00 in Berlin (UTC+1 in winter) is 01:00 UTC.
    expect(findPreviousScheduleTime('0 2 * * *', 'Europe/Berlin', new Date('2026-01-15T12:00:00Z')).toISOString()).toBe('2026-01-15T01:00:00.000Z');
    expect(findPreviousScheduleTime('0 2 * * *', 'America/New_York', new Date('2026-01-15T12:00:00Z')).toISOString()).toBe('2026-01-15T07:00:00.000Z');
  });
});

describe('needsCatchUpRun', () => {
  const now = new Date('2026-03-01T10:47:12Z');

  it('asks for one run when the last run started before the last due time, however many ticks were missed', () => {
    const result = needsCatchUpRun({ schedule: '*/5 * * * *', timezone: 'UTC', now, lastRunStartedAt: new Date('2026-03-01T08:00:00Z') });
    expect(result).toEqual({ due: true, dueAt: new Date('2026-03-01T10:45:00Z') });
  });

  it('asks for nothing when a run started after the last due time', () => {
    expect(needsCatchUpRun({ schedule: '*/5 * * * *', timezone: 'UTC', now, lastRunStartedAt: new Date('2026-03-01T10:45:01Z') }).due).toBe(false);
  });

  it('asks for nothing when the sync never ran', () => {
    expect(needsCatchUpRun({ schedule: '*/5 * * * *', timezone: 'UTC', now, lastRunStartedAt: undefined }).due).toBe(false);
  });
});

describe('truncateToSecond', () => {
  it('drops milliseconds so replicas name a tick alike', () => {
    expect(truncateToSecond(new Date('2026-03-01T10:00:04.987Z')).toISOString()).toBe('2026-03-01T10:00:04.000Z');
  });
});
