// What every route module of the emulator receives: its settings and the parts of the tenant.
import type { Clock } from '../../support/clock.ts';
import type { Logger } from '../../support/logger.ts';
import type { TenantStore } from './tenant-store.ts';
import type { FileRegistry } from './emulator-files.ts';
import type { FaultController } from './emulator-faults.ts';
import type { JobEngine } from './emulator-jobs.ts';
import type { TokenRegistry } from './emulator-tokens.ts';

export interface EmulatorSettings {
  readonly host: string;
  readonly tenantId: number;
  readonly siteId: number;
  readonly masterCatalogId: number;
  readonly catalogId: number;
  readonly clientId: string;
  readonly sharedSecret: string;
  readonly tokenTtlSeconds: number;
  readonly jobStepMs: number;
  readonly exportFilesDelayMs: number;
}

export interface EmulatorContext {
  readonly settings: EmulatorSettings;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly store: TenantStore;
  readonly files: FileRegistry;
  readonly tokens: TokenRegistry;
  readonly faults: FaultController;
  readonly jobs: JobEngine;
  /** The app's id in job JSON (`requester`), derived from the client id. */
  readonly requester: string;
  /** `http://127.0.0.1:PORT`, known once the server listens. */
  baseUrl(): string;
  /** Schedules a (debounced) state-file save. */
  markChanged(): void;
  /** Counts one /api call; the count is RunningEmulator.requestCount. */
  countApiCall(): void;
}
