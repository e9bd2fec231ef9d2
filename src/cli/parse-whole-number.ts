// Numeric command options, checked the same way by every command: digits only, within bounds, or a
// usage error (exit 2) that names the option, its range and what was given. Never a silent default.
import { ConfigurationError } from '../support/errors.ts';

export function parseWholeNumber(value: string, option: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = value.trim();
  const parsed = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigurationError(`${option} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}
