// The operations surface the daemon wires: metrics, the /healthz /readyz /metrics server, and alerts.
export { createSyncMetrics, ROW_CLASS_LABELS, STAGE_DURATION_BUCKETS_SECONDS, NO_HTTP_STATUS_LABEL, type SyncMetrics } from './sync-metrics.ts';
export {
  startOpsServer,
  runHealthCheck,
  DEFAULT_HEALTH_CHECK_TIMEOUT_MS,
  type OpsServer,
  type OpsServerOptions,
  type HealthCheckResult,
} from './ops-server.ts';
export { createDatabaseHealthCheck, pingKnex, type NamedPing } from './database-health-check.ts';
export {
  createAlertNotifier,
  classifyAlertState,
  decideAlertEvent,
  formatAlertPayload,
  DEFAULT_ALERT_TIMEOUT_MS,
  ALERT_ERROR_MAX_CHARS,
  type AlertNotifier,
  type AlertNotifierOptions,
  type AlertPayload,
  type AlertEvent,
  type AlertState,
} from './alert-notifier.ts';
export { loadLastAlertStatus, ALERT_RELEVANT_STATUSES } from './load-last-alert-status.ts';
export { combineObservers } from './combine-observers.ts';
export { redactSecrets, createSecretRedactor } from '../support/redact-secrets.ts';
