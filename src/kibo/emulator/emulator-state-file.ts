// --state FILE: the tenant's data, files, jobs and tokens as one JSON document, written atomically
// (temporary file + rename) at most every SAVE_DEBOUNCE_MS after a change, and on close.
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Logger } from '../../support/logger.ts';
import { ConfigurationError, describeError } from '../../support/errors.ts';
import type { PersistedFiles } from './emulator-files.ts';
import type { PersistedJobs } from './emulator-jobs.ts';
import type { TokenRecord } from './emulator-tokens.ts';

export const SAVE_DEBOUNCE_MS = 100;
const STATE_FORMAT_VERSION = 1;

export interface EmulatorStateData {
  readonly version: typeof STATE_FORMAT_VERSION;
  readonly tenantId: number;
  readonly store: unknown;
  readonly files: PersistedFiles;
  readonly jobs: PersistedJobs;
  readonly tokens: Record<string, TokenRecord>;
}

const stateSchema = z.object({
  version: z.literal(STATE_FORMAT_VERSION),
  tenantId: z.number().int(),
  store: z.unknown(),
  files: z.object({
    linkSecret: z.string().min(1),
    files: z.array(
      z.object({
        location: z.object({
          id: z.string(),
          locationType: z.literal('internal'),
          fileName: z.string(),
          fileType: z.string(),
        }),
        contentBase64: z.string(),
        createdAt: z.number(),
      }),
    ),
  }),
  // Job records are the emulator's own JSON; checked for identity only, then trusted.
  jobs: z.object({
    nextSequence: z.number().int().min(1),
    jobs: z.array(z.looseObject({ id: z.string(), kind: z.enum(['import', 'export']), sequence: z.number().int() })),
  }),
  tokens: z.record(z.string(), z.object({ kind: z.enum(['access', 'refresh']), expiresAt: z.number() })),
});

/** Reads the state file; undefined when it does not exist yet. A damaged file is an error, never ignored. */
export async function loadEmulatorState(path: string): Promise<EmulatorStateData | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigurationError(`Cannot read the emulator state file ${path}: ${describeError(error)}`, [], { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(
      `The emulator state file ${path} is not valid JSON (${describeError(error)}): delete it to start from an empty tenant`,
      [],
      { cause: error },
    );
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigurationError(
      `The emulator state file ${path} is not an emulator state (version ${STATE_FORMAT_VERSION}): delete it to start from an empty tenant`,
      [z.prettifyError(parsed.error)],
    );
  }
  // Job records were checked for identity only (see the schema); the rest is fully validated.
  return parsed.data as unknown as EmulatorStateData;
}

export async function saveEmulatorState(path: string, state: EmulatorStateData): Promise<void> {
  const temporaryPath = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporaryPath, JSON.stringify(state), 'utf8');
    await rename(temporaryPath, path);
  } catch (error) {
    await rm(temporaryPath, { force: true });
    throw new Error(`Cannot save the emulator state to ${path}: ${describeError(error)}`, { cause: error });
  }
}

export interface StateSaver {
  /** Schedules a save within SAVE_DEBOUNCE_MS. */
  markChanged(): void;
  /** Saves now if anything changed; resolves when every save has finished. */
  flush(): Promise<void>;
}

export function createStateSaver(path: string, collect: () => EmulatorStateData, logger: Logger): StateSaver {
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let saving: Promise<void> = Promise.resolve();

  const saveIfDirty = (): Promise<void> => {
    saving = saving.then(async () => {
      if (!dirty) return;
      dirty = false;
      try {
        await saveEmulatorState(path, collect());
      } catch (error) {
        // A failed background save must not crash the server; the next change retries it.
        dirty = true;
        logger.error({ err: error, path }, 'emulator state save failed');
      }
    });
    return saving;
  };

  return {
    markChanged: () => {
      dirty = true;
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void saveIfDirty();
      }, SAVE_DEBOUNCE_MS);
      timer.unref();
    },
    flush: async () => {
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      await saveIfDirty();
      if (dirty) {
        // The background save failed: try once more and let this error reach whoever is closing.
        await saveEmulatorState(path, collect());
        dirty = false;
      }
    },
  };
}
