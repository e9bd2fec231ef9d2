// The only reader of process.env. Settings are validated once, every problem reported together,
// then frozen; secrets are kept out of anything printable (see describeSettings).
import { z } from 'zod';
import { ConfigurationError } from '../support/errors.ts';

export const DEFAULT_HTTP_PORT = 9464;
const DEFAULT_AUTH_HOST = 'home.mozu.com';

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
  LOG_LEVEL: 'pino log level (default info)',
  PORT: `HTTP port for /healthz, /readyz, /metrics (default ${DEFAULT_HTTP_PORT})`,
  ALERT_WEBHOOK_URL: 'optional URL that receives a JSON POST when a sync fails, is blocked or recovers',
} as const;

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// or postgresql:// URL');
const positiveInt = z.coerce.number().int().positive();
const httpUrl = z.url({ protocol: /^https?$/ });

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
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_HTTP_PORT),
    ALERT_WEBHOOK_URL: httpUrl.optional(),
  });
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '');
      const missing = raw[name] === undefined;
      const what = missing ? 'is not set' : `is invalid: ${issue.message}`;
      const hint = ENV_DESCRIPTIONS[name as keyof typeof ENV_DESCRIPTIONS];
      return `${name} ${what}${hint ? ` (${hint})` : ''}`;
    });
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
    logLevel: value.LOG_LEVEL,
    httpPort: value.PORT,
    ...(value.ALERT_WEBHOOK_URL ? { alertWebhookUrl: value.ALERT_WEBHOOK_URL } : {}),
  });
}

/** Settings with secrets and database passwords masked: safe to log or print. */
export function describeSettings(settings: Settings): Record<string, unknown> {
  return {
    erpDatabaseUrl: maskUrlPassword(settings.erpDatabaseUrl),
    stateDatabaseUrl: maskUrlPassword(settings.stateDatabaseUrl),
    kibo: { ...settings.kibo, sharedSecret: '[redacted]' },
    mappingsDir: settings.mappingsDir,
    dataDir: settings.dataDir,
    logLevel: settings.logLevel,
    httpPort: settings.httpPort,
    alertWebhookUrl: settings.alertWebhookUrl,
  };
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
): { readonly erpDatabaseUrl?: string; readonly dataDir: string; readonly logLevel: string } {
  const raw = readRaw(env, overrides);
  const erp = raw.ERP_DATABASE_URL === undefined ? undefined : postgresUrl.safeParse(raw.ERP_DATABASE_URL);
  if (erp && !erp.success) {
    throw new ConfigurationError('kibo-sync demo: fix these settings (or unset them):', [`ERP_DATABASE_URL is invalid: ${erp.error.issues[0]?.message}`]);
  }
  return Object.freeze({ ...(erp ? { erpDatabaseUrl: erp.data } : {}), dataDir: raw.DATA_DIR ?? './data', logLevel: raw.LOG_LEVEL ?? 'warn' });
}
