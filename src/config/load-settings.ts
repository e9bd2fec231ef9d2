// The only reader of process.env. Settings are validated once, every problem reported together,
// then frozen; secrets are kept out of anything printable (see describeSettings).
import { z } from 'zod';
import { ConfigurationError } from '../support/errors.ts';

export const DEFAULT_HTTP_PORT = 9464;
const DEFAULT_AUTH_HOST = 'home.mozu.com';
/** A month of runs' evidence: enough to look into last month's incident, bounded on disk. */
export const DEFAULT_RUN_FILES_RETENTION_DAYS = 30;
const MAX_RUN_FILES_RETENTION_DAYS = 36_500;

/** Credentials the bundled emulator accepts out of the box (also in the README). */
export const EMULATOR_DEFAULT_CREDENTIALS = {
  tenantId: 100000,
  siteId: 100001,
  masterCatalogId: 1,
  catalogId: 1,
  clientId: 'KiboSync.Emulator.1.0.0.Release',
  sharedSecret: 'emulator-shared-secret',
} as const;

export interface KiboSettings {
  readonly tenantId: number;
  readonly siteId: number;
  readonly masterCatalogId: number;
  readonly catalogId: number;
  readonly clientId: string;
  readonly sharedSecret: string;
  readonly authHost: string;
  /** When set, all Kibo traffic goes to this emulator instead of Kibo. */
  readonly emulatorUrl?: string;
}

export interface Settings {
  readonly erpDatabaseUrl: string;
  readonly stateDatabaseUrl: string;
  readonly kibo: KiboSettings;
  readonly mappingsDir: string;
  readonly dataDir: string;
  /** Days a finished run's files are kept in DATA_DIR; 0 keeps them forever. */
  readonly runFilesRetentionDays: number;
  readonly logLevel: string;
  readonly httpPort: number;
  readonly alertWebhookUrl?: string;
}

/** CLI flags override the environment; keys are the environment variable names. */
export type SettingsOverrides = Partial<Record<keyof typeof ENV_DESCRIPTIONS, string | undefined>>;

export const ENV_DESCRIPTIONS = {
  ERP_DATABASE_URL: 'Postgres URL of the ERP database (read only)',
  STATE_DATABASE_URL: 'Postgres URL for kibo-sync state (schema kibo_sync); defaults to ERP_DATABASE_URL',
  KIBO_TENANT_ID: 'Kibo tenant id',
  KIBO_SITE_ID: 'Kibo site id',
  KIBO_MASTER_CATALOG_ID: 'Kibo master catalog id',
  KIBO_CATALOG_ID: 'Kibo catalog id',
  KIBO_CLIENT_ID: 'Kibo application client id',
  KIBO_SHARED_SECRET: 'Kibo application shared secret (never logged)',
  KIBO_AUTH_HOST: `Kibo auth host (default ${DEFAULT_AUTH_HOST})`,
  KIBO_EMULATOR_URL: 'send all Kibo traffic to this emulator (e.g. http://127.0.0.1:8199)',
  MAPPINGS_DIR: 'directory of mapping files (default ./mappings)',
  DATA_DIR: "directory for each run's CSVs, zips, plans and Kibo logs (default ./data)",
  RUN_FILES_RETENTION_DAYS: `days a finished run's files are kept in DATA_DIR, 0 = forever (default ${DEFAULT_RUN_FILES_RETENTION_DAYS}); the run's record stays`,
  LOG_LEVEL: 'pino log level (default info)',
  PORT: `HTTP port for /healthz, /readyz, /metrics (default ${DEFAULT_HTTP_PORT})`,
  ALERT_WEBHOOK_URL: 'optional URL that receives a JSON POST when a sync fails, is blocked or recovers',
} as const;

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// or postgresql:// URL');
// Digits only: z.coerce.number() alone takes '', '0x1F', '1e3' and ' 12 ' as numbers.
const wholeNumberText = z.string().regex(/^\d+$/, 'must be a whole number');
const positiveInt = wholeNumberText.transform(Number).pipe(z.number().int().positive().max(Number.MAX_SAFE_INTEGER));
const httpUrl = z.url({ protocol: /^https?$/ });

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const logLevel = z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` });
const httpPort = wholeNumberText.transform(Number).pipe(z.number().int().min(0).max(65535));
const retentionDays = wholeNumberText.transform(Number).pipe(z.number().int().min(0).max(MAX_RUN_FILES_RETENTION_DAYS));

/**
 * The format of each setting whose value is a number, a choice or a URL, checked on its own: flags are
 * checked by every command that accepts them, even one that does not use the setting (a typo must not pass).
 */
const SETTING_FORMATS: Partial<Record<keyof typeof ENV_DESCRIPTIONS, z.ZodType>> = {
  ERP_DATABASE_URL: postgresUrl,
  STATE_DATABASE_URL: postgresUrl,
  KIBO_TENANT_ID: positiveInt,
  KIBO_SITE_ID: positiveInt,
  KIBO_MASTER_CATALOG_ID: positiveInt,
  KIBO_CATALOG_ID: positiveInt,
  KIBO_EMULATOR_URL: httpUrl,
  LOG_LEVEL: logLevel,
  PORT: httpPort,
  ALERT_WEBHOOK_URL: httpUrl,
  RUN_FILES_RETENTION_DAYS: retentionDays,
};

function readRaw(env: NodeJS.ProcessEnv, overrides: SettingsOverrides): Record<string, string | undefined> {
  const raw: Record<string, string | undefined> = {};
  for (const name of Object.keys(ENV_DESCRIPTIONS)) {
    const value = overrides[name as keyof SettingsOverrides] ?? env[name];
    raw[name] = value === undefined || value.trim() === '' ? undefined : value.trim();
  }
  return raw;
}

/** Reads settings from the environment (or the given map) and CLI overrides; throws ConfigurationError listing every problem. */
export function loadSettings(overrides: SettingsOverrides = {}, env: NodeJS.ProcessEnv = process.env): Settings {
  const raw = readRaw(env, overrides);
  const emulator = raw.KIBO_EMULATOR_URL !== undefined;
  const defaults = emulator ? EMULATOR_DEFAULT_CREDENTIALS : undefined;
  const schema = z.object({
    ERP_DATABASE_URL: postgresUrl,
    STATE_DATABASE_URL: postgresUrl.optional(),
    KIBO_TENANT_ID: defaults ? positiveInt.default(defaults.tenantId) : positiveInt,
    KIBO_SITE_ID: defaults ? positiveInt.default(defaults.siteId) : positiveInt,
    KIBO_MASTER_CATALOG_ID: positiveInt.default(defaults?.masterCatalogId ?? 1),
    KIBO_CATALOG_ID: positiveInt.default(defaults?.catalogId ?? 1),
    KIBO_CLIENT_ID: defaults ? z.string().default(defaults.clientId) : z.string(),
    KIBO_SHARED_SECRET: defaults ? z.string().default(defaults.sharedSecret) : z.string(),
    // The SDK prefixes https:// itself (and sends the client secret there): a scheme or path here breaks
    // the tenant lookup, and http:// would send the secret in clear text.
    KIBO_AUTH_HOST: z
      .string()
      .regex(/^[a-z0-9.-]+(:\d+)?$/i, 'must be a bare host name such as home.mozu.com (no https://, no path)')
      .default(DEFAULT_AUTH_HOST),
    KIBO_EMULATOR_URL: httpUrl.optional(),
    MAPPINGS_DIR: z.string().default('./mappings'),
    DATA_DIR: z.string().default('./data'),
    RUN_FILES_RETENTION_DAYS: retentionDays.default(DEFAULT_RUN_FILES_RETENTION_DAYS),
    LOG_LEVEL: logLevel.default('info'),
    PORT: httpPort.default(DEFAULT_HTTP_PORT),
    ALERT_WEBHOOK_URL: httpUrl.optional(),
  });
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => describeSettingProblem(String(issue.path[0] ?? ''), raw, issue.message));
    throw new ConfigurationError('kibo-sync cannot start: fix these settings (environment or flags):', problems);
  }
  const value = parsed.data;
  return deepFreeze({
    erpDatabaseUrl: value.ERP_DATABASE_URL,
    stateDatabaseUrl: value.STATE_DATABASE_URL ?? value.ERP_DATABASE_URL,
    kibo: {
      tenantId: value.KIBO_TENANT_ID,
      siteId: value.KIBO_SITE_ID,
      masterCatalogId: value.KIBO_MASTER_CATALOG_ID,
      catalogId: value.KIBO_CATALOG_ID,
      clientId: value.KIBO_CLIENT_ID,
      sharedSecret: value.KIBO_SHARED_SECRET,
      authHost: value.KIBO_AUTH_HOST,
      ...(value.KIBO_EMULATOR_URL ? { emulatorUrl: value.KIBO_EMULATOR_URL } : {}),
    },
    mappingsDir: value.MAPPINGS_DIR,
    dataDir: value.DATA_DIR,
    runFilesRetentionDays: value.RUN_FILES_RETENTION_DAYS,
    logLevel: value.LOG_LEVEL,
    httpPort: value.PORT,
    ...(value.ALERT_WEBHOOK_URL ? { alertWebhookUrl: value.ALERT_WEBHOOK_URL } : {}),
  });
}

function describeSettingProblem(name: string, raw: Record<string, string | undefined>, message: string): string {
  const what = raw[name] === undefined ? 'is not set' : `is invalid: ${message}`;
  const hint = ENV_DESCRIPTIONS[name as keyof typeof ENV_DESCRIPTIONS];
  return `${name} ${what}${hint ? ` (${hint})` : ''}`;
}

/**
 * Checks the format of every setting given as a flag (numbers, choices, URLs), whatever the command: a flag
 * a command accepts but does not use (`status --log-level bogus`) is a usage error, not silently ignored.
 */
export function assertSettingFlagFormats(overrides: SettingsOverrides): void {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(overrides) as [keyof typeof ENV_DESCRIPTIONS, string | undefined][]) {
    const format = SETTING_FORMATS[name];
    if (value === undefined || format === undefined) continue;
    const parsed = format.safeParse(value.trim());
    if (!parsed.success) problems.push(describeSettingProblem(name, { [name]: value }, parsed.error.issues[0]?.message ?? 'invalid'));
  }
  if (problems.length > 0) throw new ConfigurationError('kibo-sync: fix these options:', problems);
}

/** Settings with secrets and database passwords masked: safe to log or print. */
export function describeSettings(settings: Settings): Record<string, unknown> {
  return {
    erpDatabaseUrl: maskUrlPassword(settings.erpDatabaseUrl),
    stateDatabaseUrl: maskUrlPassword(settings.stateDatabaseUrl),
    kibo: { ...settings.kibo, sharedSecret: '[redacted]' },
    mappingsDir: settings.mappingsDir,
    dataDir: settings.dataDir,
    runFilesRetentionDays: settings.runFilesRetentionDays,
    logLevel: settings.logLevel,
    httpPort: settings.httpPort,
    alertWebhookUrl: settings.alertWebhookUrl,
  };
}

/**
 * The secret values these settings hold, for the redactor of logs and stored errors: the Kibo shared
 * secret, database passwords, and the alert webhook URL (chat webhooks carry their token in the path).
 */
export function listSettingSecrets(settings: Pick<Settings, 'erpDatabaseUrl' | 'stateDatabaseUrl' | 'kibo' | 'alertWebhookUrl'>): string[] {
  return [
    settings.kibo.sharedSecret,
    ...listUrlSecrets(settings.erpDatabaseUrl),
    ...listUrlSecrets(settings.stateDatabaseUrl),
    ...(settings.alertWebhookUrl ? [settings.alertWebhookUrl, ...listUrlSecrets(settings.alertWebhookUrl)] : []),
  ];
}

/** A URL's password, as written and decoded (a driver may quote either). */
export function listUrlSecrets(url: string): string[] {
  // userinfo runs to the authority's last '@' (an unencoded '@' in a password is a common slip)
  const userInfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(url)?.[1] ?? '';
  const colon = userInfo.indexOf(':');
  const password = colon < 0 ? '' : userInfo.slice(colon + 1);
  if (!password) return [];
  try {
    return [password, decodeURIComponent(password)];
  } catch {
    return [password];
  }
}

export function maskUrlPassword(url: string): string {
  return url.replace(/(:\/\/[^:@/]+):[^@/]*@/, '$1:[redacted]@');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * The few settings `kibo-sync validate` needs, without demanding Kibo credentials: the mappings
 * directory, and the ERP URL when one is configured (to check queries against it).
 */
export function loadValidationSettings(
  overrides: SettingsOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
): { readonly mappingsDir: string; readonly erpDatabaseUrl?: string } {
  const raw = readRaw(env, overrides);
  const erp = raw.ERP_DATABASE_URL === undefined ? undefined : postgresUrl.safeParse(raw.ERP_DATABASE_URL);
  if (erp && !erp.success) {
    throw new ConfigurationError('kibo-sync cannot validate: fix these settings:', [`ERP_DATABASE_URL is invalid: ${erp.error.issues[0]?.message}`]);
  }
  return Object.freeze({ mappingsDir: raw.MAPPINGS_DIR ?? './mappings', ...(erp ? { erpDatabaseUrl: erp.data } : {}) });
}

/** The state database URL alone (STATE_DATABASE_URL, else ERP_DATABASE_URL), for status and migrate. */
export function loadStateDatabaseUrl(overrides: SettingsOverrides = {}, env: NodeJS.ProcessEnv = process.env): string {
  const raw = readRaw(env, overrides);
  const url = raw.STATE_DATABASE_URL ?? raw.ERP_DATABASE_URL;
  const parsed = postgresUrl.safeParse(url);
  if (url === undefined || !parsed.success) {
    throw new ConfigurationError('kibo-sync needs its state database:', [
      url === undefined ? 'STATE_DATABASE_URL (or ERP_DATABASE_URL) is not set' : `STATE_DATABASE_URL is invalid: ${parsed.error?.issues[0]?.message}`,
    ]);
  }
  return parsed.data;
}

/** What `kibo-sync demo` reads: nothing is required (an embedded Postgres stands in for the ERP). */
export function loadDemoSettings(
  overrides: SettingsOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
): { readonly erpDatabaseUrl?: string; readonly dataDir: string; readonly logLevel: LogLevel } {
  const raw = readRaw(env, overrides);
  const parsed = z.object({ ERP_DATABASE_URL: postgresUrl.optional(), LOG_LEVEL: logLevel.default('warn') }).safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => describeSettingProblem(String(issue.path[0] ?? ''), raw, issue.message));
    throw new ConfigurationError('kibo-sync demo: fix these settings (or unset them):', problems);
  }
  const { ERP_DATABASE_URL: erpDatabaseUrl, LOG_LEVEL: level } = parsed.data;
  return Object.freeze({ ...(erpDatabaseUrl ? { erpDatabaseUrl } : {}), dataDir: raw.DATA_DIR ?? './data', logLevel: level });
}

/** A log level given on its own (the emulator's --log-level); a ConfigurationError names the choices. */
export function parseLogLevel(value: string, where: string): LogLevel {
  const parsed = logLevel.safeParse(value.trim());
  if (!parsed.success) throw new ConfigurationError(`${where} must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  return parsed.data;
}
