// The registry's field lists must stay exactly Kibo's published lists (shared/kibo/*.json).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KIBO_RESOURCES, getResource, normalizeHeader } from '../../../src/kibo/resources/resource-registry.ts';

interface PublishedFieldList {
  readonly resource: string;
  readonly fields: { readonly required: string[]; readonly optional: string[] };
}

function loadPublished(fileName: string): Record<string, PublishedFieldList> {
  const url = new URL(`../../../../shared/kibo/${fileName}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, PublishedFieldList>;
}

const PUBLISHED = [
  { fileName: 'catalog-fields.json', source: 'catalog-fields', count: 29 },
  { fileName: 'customer-fields.json', source: 'customer-fields', count: 9 },
] as const;

describe('registry field lists', () => {
  for (const { fileName, source, count } of PUBLISHED) {
    const published = loadPublished(fileName);

    it(`holds exactly the ${count} resources of ${fileName}`, () => {
      expect(Object.keys(published)).toHaveLength(count);
      const registryNames = KIBO_RESOURCES.filter((resource) => resource.source === source).map((r) => r.name);
      expect([...registryNames].sort()).toEqual(Object.keys(published).sort());
    });

    it(`keeps the required/optional split of ${fileName} verbatim, in order`, () => {
      for (const [name, list] of Object.entries(published)) {
        const resource = getResource(name);
        expect(resource.name).toBe(list.resource);
        const required = resource.fields.filter((field) => field.required).map((field) => field.name);
        const optional = resource.fields.filter((field) => !field.required).map((field) => field.name);
        expect({ name, required, optional }).toEqual({ name, ...list.fields });
      }
    });
  }

  it('holds the six B2B template sheets in the customer domain', () => {
    const b2b = KIBO_RESOURCES.filter((resource) => resource.source === 'b2b-template');
    expect(b2b.map((resource) => resource.name).sort()).toEqual([
      'B2BAccounts', 'B2BContacts', 'B2BPurchaseOrderAccounts', 'B2BPurchaseOrderPaymentTerms',
      'B2BPurchaseOrderTransactions', 'B2BUsers',
    ]);
    expect(new Set(b2b.map((resource) => resource.domain))).toEqual(new Set(['customer']));
    expect(KIBO_RESOURCES).toHaveLength(44);
  });

  it('keeps the B2B headers as the template writes them', () => {
    const headers = (name: string): string[] => getResource(name).fields.map((field) => field.exportHeader);
    expect(headers('B2BUsers')).toEqual([
      'ExternalAccountId', 'AccountId', 'ExternalUserId', 'UserId', 'UserName', 'EmailAddress', 'firstName',
      'lastName', 'localeCode', 'isLocked', 'isActive', 'isRemoved', 'Accepts Marketing', 'RoleList',
      'ExternalPassword',
    ]);
    expect(headers('B2BPurchaseOrderPaymentTerms')).toEqual(['ExternalId', 'AccountID', 'SiteId', 'Site Name', 'Code']);
    expect(headers('B2BContacts')).toContain('Postal Or ZipCode');
    expect(getResource('B2BContacts').fields.find((field) => field.exportHeader === 'AccountID')?.name).toBe('AccountId');
  });

  it('gives every resource a key made of its own fields and a note explaining it', () => {
    for (const resource of KIBO_RESOURCES) {
      expect(resource.key.length, resource.name).toBeGreaterThan(0);
      expect(resource.keyNote.length, resource.name).toBeGreaterThan(10);
      const names = resource.fields.map((field) => field.name);
      for (const keyName of resource.key) expect(names, `${resource.name} key ${keyName}`).toContain(keyName);
    }
  });

  it('never lets two columns of one resource normalize to the same header', () => {
    for (const resource of KIBO_RESOURCES) {
      const seen = new Map<string, string>();
      const claim = (header: string, owner: string): void => {
        const normalized = normalizeHeader(header);
        const previous = seen.get(normalized);
        if (previous !== undefined && previous !== owner) {
          throw new Error(`${resource.name}: "${header}" (${owner}) clashes with ${previous}`);
        }
        seen.set(normalized, owner);
      };
      for (const field of resource.fields) {
        claim(field.name, field.name);
        claim(field.exportHeader, field.name);
      }
      for (const extra of resource.extraColumns) claim(extra, `extra column ${extra}`);
    }
  });

  it('names entry files in lowercase and freezes everything', () => {
    expect(getResource('PricelistEntries').fileName).toBe('pricelistentries.csv');
    expect(Object.isFrozen(KIBO_RESOURCES)).toBe(true);
    for (const resource of KIBO_RESOURCES) {
      expect(Object.isFrozen(resource) && Object.isFrozen(resource.fields) && Object.isFrozen(resource.key)).toBe(true);
      expect(resource.fields.every((field) => Object.isFrozen(field))).toBe(true);
    }
  });
});
