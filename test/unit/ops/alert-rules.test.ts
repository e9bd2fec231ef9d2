import { describe, expect, it } from 'vitest';
import { classifyAlertState, decideAlertEvent, formatAlertPayload } from '../../../src/ops/alert-notifier.ts';
import { redactSecrets } from '../../../src/support/redact-secrets.ts';
import type { SyncRunSummary } from '../../../src/sync/sync-summary.ts';

describe('classifyAlertState', () => {
  it('groups failed, stuck and aborted as failing and ignores statuses that say nothing about health', () => {
    expect(classifyAlertState('succeeded')).toBe('ok');
    expect(['failed', 'stuck', 'aborted'].map((status) => classifyAlertState(status as 'failed'))).toEqual([
      'failing',
      'failing',
      'failing',
    ]);
    expect(classifyAlertState('blocked')).toBe('blocked');
    for (const status of ['dry_run', 'skipped', 'locked', 'running'] as const) {
      expect(classifyAlertState(status)).toBeUndefined();
    }
  });
});

describe('decideAlertEvent', () => {
  it('alerts once per change of state', () => {
    expect(decideAlertEvent(undefined, 'failing')).toBe('failed');
    expect(decideAlertEvent('ok', 'failing')).toBe('failed');
    expect(decideAlertEvent('failing', 'failing')).toBeUndefined();
    expect(decideAlertEvent('failing', 'blocked')).toBe('blocked');
    expect(decideAlertEvent('blocked', 'blocked')).toBeUndefined();
    expect(decideAlertEvent('blocked', 'failing')).toBe('failed');
    expect(decideAlertEvent('failing', 'ok')).toBe('recovered');
    expect(decideAlertEvent('blocked', 'ok')).toBe('recovered');
    expect(decideAlertEvent('ok', 'ok')).toBeUndefined();
    // A first-ever success is not a recovery.
    expect(decideAlertEvent(undefined, 'ok')).toBeUndefined();
  });
});

describe('redactSecrets', () => {
  it('masks URL passwords, bearer tokens and OAuth secrets but keeps the rest of the message', () => {
    expect(redactSecrets('connect to postgres://kibo:s3cr%40t@db:5432/erp failed')).toBe(
      'connect to postgres://kibo:[redacted]@db:5432/erp failed',
    );
    expect(redactSecrets('Authorization: Bearer eyJhbGciOi.abc-def_1')).toBe('Authorization: Bearer [redacted]');
    expect(redactSecrets('body {"client_secret": "xyz", "access_token":"tok123"} sharedSecret=abc&x=1')).toBe(
      'body {"client_secret": "[redacted]", "access_token":"[redacted]"} sharedSecret=[redacted]&x=1',
    );
    expect(redactSecrets('import job 42 failed: 3 rows rejected')).toBe('import job 42 failed: 3 rows rejected');
  });
});

describe('formatAlertPayload', () => {
  const base: SyncRunSummary = {
    sync: 'prices',
    resource: 'PricelistEntries',
    runId: 12,
    status: 'failed',
    counts: { source: 3 },
    bytesUploaded: 0,
    stageDurationsMs: { export: 10 },
    violations: [],
    files: { upload: '/data/run-12/upload.zip' },
    error: 'ERP read failed: postgres://erp:hunter2@erp-db/erp refused',
    startedAt: '2026-01-01T00:00:00.000Z',
  };

  it('carries what an operator needs, with secrets masked and no file paths', () => {
    const payload = formatAlertPayload('failed', base, 'succeeded', new Date(Date.UTC(2026, 0, 1, 0, 1)));
    expect(payload).toEqual({
      event: 'failed',
      sync: 'prices',
      runId: 12,
      status: 'failed',
      previousStatus: 'succeeded',
      error: 'ERP read failed: postgres://erp:[redacted]@erp-db/erp refused',
      counts: { source: 3 },
      at: '2026-01-01T00:01:00.000Z',
    });
    expect(JSON.stringify(payload)).not.toContain('hunter2');
  });

  it('includes the plan id and guard violations of a blocked run', () => {
    const payload = formatAlertPayload(
      'blocked',
      {
        ...base,
        status: 'blocked',
        error: undefined,
        planId: 'plan-1',
        violations: [{ guard: 'maxDeletes', message: 'would delete 900 rows (limit 100)', sampleKeys: ['A', 'B'] }],
      },
      undefined,
      new Date(0),
    );
    expect(payload.previousStatus).toBeNull();
    expect(payload.planId).toBe('plan-1');
    expect(payload.violations).toEqual([{ guard: 'maxDeletes', message: 'would delete 900 rows (limit 100)', sampleKeys: ['A', 'B'] }]);
    expect(payload).not.toHaveProperty('error');
  });

  it('cuts very long errors', () => {
    const payload = formatAlertPayload('failed', { ...base, error: 'x'.repeat(10_000) }, undefined, new Date(0));
    expect(payload.error?.length).toBe(2_000);
    expect(payload.error?.endsWith('…')).toBe(true);
  });
});
