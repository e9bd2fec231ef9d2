// --seed ZIP: Kibo-format zips (a real export, or hand-made) imported into a fresh tenant at start,
// every CSV in them, deleteOmitted false. Not a job: nothing shows up in the job lists.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import yauzl from 'yauzl';
import { findResource, sortByImportOrder } from '../resources/resource-registry.ts';
import type { ResourceSpec } from '../resources/resource-types.ts';
import type { Logger } from '../../support/logger.ts';
import { ConfigurationError, describeError } from '../../support/errors.ts';
import type { TenantStore } from './tenant-store.ts';

/** Rejected rows of a seed are logged, up to this many per zip. */
const MAX_LOGGED_SEED_REJECTIONS = 20;

export async function applySeedZips(store: TenantStore, paths: readonly string[], logger: Logger): Promise<void> {
  for (const path of paths) {
    let zip: Buffer;
    try {
      zip = await readFile(path);
    } catch (error) {
      throw new ConfigurationError(`Cannot read the seed zip ${path}: ${describeError(error)}`, [], { cause: error });
    }
    const resources = await listSeedResources(zip, path);
    const requests = resources.map(({ resource }) => ({ resource: resource.name, deleteOmitted: false }));
    const outcome = await store.applyImport(zip, requests).catch((error: unknown) => {
      throw new ConfigurationError(`Seeding from ${path} failed: ${describeError(error)}`, [], { cause: error });
    });
    if (outcome.fatalError !== undefined) {
      throw new ConfigurationError(`The seed ${path} could not be imported: ${outcome.fatalError}`);
    }
    for (const entry of outcome.log.slice(0, MAX_LOGGED_SEED_REJECTIONS)) {
      logger.warn({ seed: path, ...entry }, 'seed row rejected');
    }
    logger.info(
      { seed: path, resources: outcome.resources.map((r) => `${r.resource}: ${r.stateDetails}`), rejected: outcome.log.length },
      'emulator seeded',
    );
  }
}

/** The registry resources named by the zip's CSV entries, in import order; an unknown CSV is an error. */
async function listSeedResources(zip: Buffer, path: string): Promise<{ resource: ResourceSpec }[]> {
  let names: string[];
  try {
    const zipFile = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
    names = [];
    for await (const entry of zipFile.eachEntry()) names.push(entry.fileName);
  } catch (error) {
    throw new ConfigurationError(`The seed ${path} is not a readable zip: ${describeError(error)}`, [], { cause: error });
  }
  const csvNames = names.filter((name) => !name.startsWith('__MACOSX/') && name.toLowerCase().endsWith('.csv'));
  const resources = csvNames.map((name) => {
    const resource = findResource(basename(name));
    if (resource === undefined) {
      throw new ConfigurationError(`The seed ${path} holds ${name}, which is not a Kibo import/export resource file`);
    }
    return { resource };
  });
  if (resources.length === 0) throw new ConfigurationError(`The seed ${path} holds no CSV files`);
  return sortByImportOrder(resources);
}
