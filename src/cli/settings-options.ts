// Every setting can come from the environment or from a matching flag (`ERP_DATABASE_URL` ↔
// `--erp-database-url`); flags win. Prefer the environment for secrets: flags show up in `ps`.
import type { Command } from 'commander';
import { assertSettingFlagFormats, ENV_DESCRIPTIONS, type SettingsOverrides } from '../config/load-settings.ts';

type EnvName = keyof typeof ENV_DESCRIPTIONS;

function flagOf(name: EnvName): string {
  return `--${name.toLowerCase().replace(/_/g, '-')}`;
}

function camelOf(name: EnvName): string {
  return name.toLowerCase().replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

export function addSettingsOptions(command: Command): Command {
  for (const name of Object.keys(ENV_DESCRIPTIONS) as EnvName[]) {
    command.option(`${flagOf(name)} <value>`, `${ENV_DESCRIPTIONS[name]} [env ${name}]`);
  }
  return command;
}

/** The settings given as flags; a number, choice or URL flag in a bad format is a usage error (exit 2). */
export function readSettingsOverrides(flags: Record<string, unknown>): SettingsOverrides {
  const overrides: SettingsOverrides = {};
  for (const name of Object.keys(ENV_DESCRIPTIONS) as EnvName[]) {
    const value = flags[camelOf(name)];
    if (typeof value === 'string') overrides[name] = value;
  }
  assertSettingFlagFormats(overrides);
  return overrides;
}
