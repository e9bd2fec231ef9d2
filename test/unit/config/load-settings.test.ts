import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_FILES_RETENTION_DAYS, describeSettings, EMULATOR_DEFAULT_CREDENTIALS, loadSettings } from '../../../src/config/load-settings.ts';
import { ConfigurationError } from '../../../src/support/errors.ts';

const REAL_TENANT_ENV = {
  ERP_DATABASE_URL: 'postgres://erp:erp-password@db:5432/erp',
  KIBO_TENANT_ID: '31271',
  KIBO_SITE_ID: '45000',
  KIBO_CLIENT_ID: 'Acme.Sync.1.0.0.Release',
  KIBO_SHARED_SECRET: 'very-secret-value',
};

describe('loadSettings', () => {
  it('reports every missing or invalid setting in one error', () => {
    const attempt = (): unknown => loadSettings({}, { KIBO_TENANT_ID: 'abc', PORT: '70000' });
    expect(attempt).toThrow(ConfigurationError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigurationError).problems.join('\n');
      expect(problems).toContain('ERP_DATABASE_URL is not set');
      expect(problems).toContain('KIBO_TENANT_ID is invalid');
      expect(problems).toContain('KIBO_SITE_ID is not set');
      expect(problems).toContain('KIBO_CLIENT_ID is not set');
      expect(problems).toContain('KIBO_SHARED_SECRET is not set');
      expect(problems).toContain('PORT is invalid');
    }
  });

  it('defaults the state database to the ERP one and freezes the result', () => {
    const settings = loadSettings({}, REAL_TENANT_ENV);
    expect(settings.stateDatabaseUrl).toBe(REAL_TENANT_ENV.ERP_DATABASE_URL);
    expect(settings.kibo.tenantId).toBe(31271);
    expect(settings.kibo.authHost).toBe('home.mozu.com');
    expect(settings.mappingsDir).toBe('./mappings');
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings.kibo)).toBe(true);
  });

  it('keeps run files 30 days by default, takes 0 for forever, and refuses anything but a whole number of days', () => {
    expect(loadSettings({}, REAL_TENANT_ENV).runFilesRetentionDays).toBe(DEFAULT_RUN_FILES_RETENTION_DAYS);
    expect(DEFAULT_RUN_FILES_RETENTION_DAYS).toBe(30);
    expect(loadSettings({}, { ...REAL_TENANT_ENV, RUN_FILES_RETENTION_DAYS: '0' }).runFilesRetentionDays).toBe(0);
    expect(loadSettings({ RUN_FILES_RETENTION_DAYS: '7' }, REAL_TENANT_ENV).runFilesRetentionDays).toBe(7);
    for (const days of ['-1', '1.5', 'forever', '99999']) {
      expect(() => loadSettings({}, { ...REAL_TENANT_ENV, RUN_FILES_RETENTION_DAYS: days }), days).toThrow(ConfigurationError);
    }
  });

  it('lets CLI flags override the environment', () => {
    const settings = loadSettings({ MAPPINGS_DIR: '/etc/kibo/mappings' }, { ...REAL_TENANT_ENV, MAPPINGS_DIR: './x' });
    expect(settings.mappingsDir).toBe('/etc/kibo/mappings');
  });

  it('uses the emulator credentials when only an emulator URL is given', () => {
    const settings = loadSettings({}, { ERP_DATABASE_URL: 'postgres://localhost/erp', KIBO_EMULATOR_URL: 'http://127.0.0.1:8199' });
    expect(settings.kibo.clientId).toBe(EMULATOR_DEFAULT_CREDENTIALS.clientId);
    expect(settings.kibo.emulatorUrl).toBe('http://127.0.0.1:8199');
  });

  it('wants the auth host as a bare host name (the SDK adds https:// and sends the secret there)', () => {
    for (const authHost of ['https://home.mozu.com', 'http://home.mozu.com', 'home.mozu.com/api']) {
      expect(() => loadSettings({}, { ...REAL_TENANT_ENV, KIBO_AUTH_HOST: authHost })).toThrow(/KIBO_AUTH_HOST is invalid: must be a bare host name/);
    }
    expect(loadSettings({}, { ...REAL_TENANT_ENV, KIBO_AUTH_HOST: 't1234.sandbox.mozu.com' }).kibo.authHost).toBe('t1234.sandbox.mozu.com');
  });

  it('never lets a secret or database password into the printable description', () => {
    const text = JSON.stringify(describeSettings(loadSettings({}, REAL_TENANT_ENV)));
    expect(text).not.toContain('very-secret-value');
    expect(text).not.toContain('erp-password');
    expect(text).toContain('[redacted]');
  });
});
