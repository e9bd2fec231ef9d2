// Per-resource facts: identity key (and why), import order, boolean spelling, extra and dynamic columns.
// Boolean spellings: CONFIRMED (NOTES.md) True/False for Products; Yes/No for ProductCatalog, Categories,
// Attributes, ProductTypes, ProductOptions and the price-list files; B2B per the template. Every other
// file is a guess of Yes/No, the spelling most files use (marked `// guess`).
import type { BooleanSpelling, DynamicColumns } from './resource-types.ts';

export interface ResourceDefinition {
  readonly key: readonly string[];
  readonly keyNote: string;
  readonly importOrder: number;
  readonly booleanSpelling: BooleanSpelling;
  readonly extraColumns?: readonly string[];
  readonly dynamicColumns?: DynamicColumns;
}

const GUESS_YES_NO: BooleanSpelling = 'Yes/No';

/**
 * Catalog import order follows dependencies: location types → locations (→ groups), attributes → values →
 * product types → their attributes, categories, images, products, product-level sheets, product catalog,
 * sort definitions/rankings, location inventory, price lists → entries → entry prices → entry extras.
 */
export const CATALOG_DEFINITIONS: Readonly<Record<string, ResourceDefinition>> = {
  LocationTypes: { importOrder: 10, booleanSpelling: GUESS_YES_NO, key: ['LocationTypeCode'], keyNote: 'Location type codes are unique per tenant.' },
  Locations: { importOrder: 20, booleanSpelling: GUESS_YES_NO, key: ['LocationCode'], keyNote: 'Location codes are unique per tenant.' },
  LocationGroup: { importOrder: 30, booleanSpelling: GUESS_YES_NO, key: ['LocationGroupCode'], keyNote: 'Location group codes are unique per tenant.' },
  LocationGroupConfiguration: { importOrder: 40, booleanSpelling: GUESS_YES_NO, key: ['LocationGroupCode', 'SiteId'], keyNote: 'One configuration per location group and site.' },
  LocationGroupBoxTypeConfig: { importOrder: 50, booleanSpelling: GUESS_YES_NO, key: ['LocationGroupCode', 'SiteId', 'Name'], keyNote: 'Box types are named within a location group and site.' },
  LocationGroupCarrierConfig: { importOrder: 60, booleanSpelling: GUESS_YES_NO, key: ['LocationGroupCode', 'SiteId', 'CarrierType'], keyNote: 'One configuration per carrier within a location group and site.' },
  Attributes: { importOrder: 70, booleanSpelling: 'Yes/No', key: ['MasterCatalogName', 'AttributeCode'], keyNote: 'Attribute codes are unique within a master catalog (Namespace is the tenant namespace, constant in practice).' },
  AttributeValues: { importOrder: 80, booleanSpelling: GUESS_YES_NO, key: ['MasterCatalogName', 'AttributeCode', 'Value'], keyNote: 'A vocabulary value is identified by its attribute and its stored value.' },
  ProductTypes: { importOrder: 90, booleanSpelling: 'Yes/No', key: ['MasterCatalogName', 'ProductType'], keyNote: 'Product type names are unique within a master catalog.' },
  ProductTypeAttributes: { importOrder: 100, booleanSpelling: GUESS_YES_NO, key: ['MasterCatalogName', 'ProductType', 'AttributeCode'], keyNote: 'An attribute appears once in a product type (its Type follows from the attribute).' },
  ProductTypeAttributeValues: { importOrder: 110, booleanSpelling: GUESS_YES_NO, key: ['MasterCatalogName', 'ProductType', 'AttributeCode', 'VocabularyValue'], keyNote: 'One row per vocabulary value an attribute allows in a product type.' },
  Categories: { importOrder: 120, booleanSpelling: 'Yes/No', key: ['CatalogName', 'CategoryCode'], keyNote: 'Category codes are unique within a catalog; CategoryId is Kibo-assigned.' },
  CategoryImages: { importOrder: 130, booleanSpelling: GUESS_YES_NO, key: ['CatalogName', 'CategoryCode', 'ImageName'], keyNote: 'An image is attached once to a category.' },
  Images: { importOrder: 140, booleanSpelling: GUESS_YES_NO, key: ['MasterCatalogName', 'ImageUrl'], keyNote: 'ImageUrl is the only required identifying field; Id is Kibo-assigned (CMS id).' },
  Products: {
    importOrder: 150, booleanSpelling: 'True/False', key: ['MasterCatalogName', 'ProductCode'],
    keyNote: 'Product codes are unique within a master catalog.',
    // NOTES.md: real products.csv exports carry `Ships by itself` beyond the field list.
    extraColumns: ['Ships by itself'], dynamicColumns: 'propertyAttributes',
  },
  ProductPropertyLocale: { importOrder: 160, booleanSpelling: GUESS_YES_NO, key: ['MasterCatalogName', 'ProductCode', 'AttributeName'], keyNote: 'One row per product property; the locale values are dynamic columns.', dynamicColumns: 'locales' },
  ProductBundles: { importOrder: 170, booleanSpelling: GUESS_YES_NO, key: ['MasterCatalogName', 'ProductCode', 'Code'], keyNote: 'A component product (Code) appears once in a bundle.' },
  ProductOptions: { importOrder: 180, booleanSpelling: 'Yes/No', key: ['MasterCatalogName', 'ProductCode', 'VariationCode'], keyNote: 'Variation codes are unique within a product.', dynamicColumns: 'optionAttributes' },
  ProductOptionsLocale: { importOrder: 190, booleanSpelling: GUESS_YES_NO, key: ['MasterCatalogName', 'ProductCode', 'VariationCode', 'Currency'], keyNote: 'One row per variation and currency; a mapping must supply Currency although the seed lists it as optional.' },
  ProductExtras: { importOrder: 200, booleanSpelling: GUESS_YES_NO, key: ['MasterCatalogName', 'ProductCode', 'AttributeCode', 'Value'], keyNote: 'One row per extra attribute value on a product; prices per currency are dynamic columns.', dynamicColumns: 'currencies' },
  ProductImages: { importOrder: 210, booleanSpelling: GUESS_YES_NO, key: ['MasterCatalogName', 'ProductCode', 'Name'], keyNote: 'An image (by name) is attached once to a product.' },
  ProductCatalog: {
    importOrder: 220, booleanSpelling: 'Yes/No', key: ['CatalogName', 'ProductCode'],
    keyNote: 'A product appears once per catalog; MasterCatalogName follows from the catalog.',
    // Issue/NOTES: real productcatalog.csv exports carry IsContentOverridden.
    extraColumns: ['IsContentOverridden'],
  },
  SortDefinitions: { importOrder: 230, booleanSpelling: GUESS_YES_NO, key: ['CatalogName', 'CategoryCode', 'Name'], keyNote: 'ProductSortDefinitionId is Kibo-assigned; the name identifies a definition within a category.' },
  ProductRankings: { importOrder: 240, booleanSpelling: GUESS_YES_NO, key: ['CatalogName', 'CategoryCode', 'SortDefinitionId', 'ProductCode'], keyNote: 'A product has one position per sort definition.' },
  LocationInventory: { importOrder: 250, booleanSpelling: GUESS_YES_NO, key: ['LocationCode', 'ProductCode'], keyNote: 'Stock is held per location and product; MasterCatalogName is context.' },
  Pricelists: { importOrder: 260, booleanSpelling: 'Yes/No', key: ['PriceListCode'], keyNote: 'Price list codes are unique per tenant.' },
  PricelistEntries: { importOrder: 270, booleanSpelling: 'Yes/No', key: ['PriceListCode', 'ProductCode', 'CurrencyCode', 'StartDate'], keyNote: 'An entry is a product price in one list and currency from a start date.' },
  PricelistEntryPrices: { importOrder: 280, booleanSpelling: 'Yes/No', key: ['PriceListCode', 'ProductCode', 'CurrencyCode', 'StartDate', 'MinimumQuantity'], keyNote: 'Volume tiers of an entry, one per minimum quantity.' },
  PricelistEntryExtras: { importOrder: 290, booleanSpelling: 'Yes/No', key: ['PriceListCode', 'ProductCode', 'CurrencyCode', 'StartDate', 'AttributeFQN', 'Value'], keyNote: 'Extra prices of an entry, one per extra attribute value.' },
};

/**
 * Customer order is the seed's (CustomerSegments … CustomerAttributes). The B2B sheets follow the customer
 * sheet they extend: B2BAccounts and B2BUsers right after CustomerAccounts (users belong to accounts),
 * B2BContacts before CustomerContacts, each B2B purchase-order sheet after its customer counterpart.
 */
export const CUSTOMER_DEFINITIONS: Readonly<Record<string, ResourceDefinition>> = {
  CustomerSegments: { importOrder: 10, booleanSpelling: 'Yes/No', key: ['Code'], keyNote: 'Segment codes are unique per tenant; the ids are Kibo-assigned.' },
  CustomerAccounts: { importOrder: 20, booleanSpelling: 'Yes/No', key: ['ExternalId'], keyNote: "ExternalId is the ERP's own customer id; AccountId is optional and often Kibo-assigned." },
  B2BAccounts: { importOrder: 21, booleanSpelling: 'Yes/No', key: ['ExternalId'], keyNote: "ExternalId is the ERP's own account id (as for CustomerAccounts); AccountId is Kibo-assigned." },
  B2BUsers: { importOrder: 22, booleanSpelling: 'Yes/No', key: ['ExternalAccountId', 'EmailAddress'], keyNote: 'UserId is Kibo-assigned and ExternalUserId is undocumented; an email identifies a user within an account.' },
  B2BContacts: { importOrder: 23, booleanSpelling: 'Yes/No', key: ['ExternalId', 'ContactId'], keyNote: 'ContactId is unique on the tenant; ExternalId names the owning account as the ERP knows it.' },
  CustomerContacts: { importOrder: 30, booleanSpelling: 'Yes/No', key: ['AccountId', 'ContactId'], keyNote: 'The seed requires AccountId; ContactId (unique on the tenant) tells an account\'s contacts apart, so a mapping must supply it.' },
  PurchaseOrderAccounts: { importOrder: 40, booleanSpelling: 'Yes/No', key: ['AccountId'], keyNote: 'One purchase-order account per customer account; the seed requires AccountId.' },
  B2BPurchaseOrderAccounts: { importOrder: 41, booleanSpelling: 'Yes/No', key: ['ExternalId'], keyNote: 'One purchase-order account per B2B account, named by its ExternalId.' },
  PurchaseOrderPaymentTerms: { importOrder: 50, booleanSpelling: 'Yes/No', key: ['ExternalId', 'SiteName', 'Code'], keyNote: 'The seed\'s required fields: account (by ExternalId), site and term code.' },
  B2BPurchaseOrderPaymentTerms: { importOrder: 51, booleanSpelling: 'Yes/No', key: ['ExternalId', 'SiteName', 'Code'], keyNote: 'As PurchaseOrderPaymentTerms: account, site and term code.' },
  PurchaseOrderTransactions: { importOrder: 60, booleanSpelling: 'Yes/No', key: ['AccountId', 'SiteName', 'TransactionDate', 'TransactionTypeId', 'TransactionAmount'], keyNote: 'Transactions are a log without a documented id; one is identified by account, site, when, what and how much (a mapping must supply TransactionDate).' },
  B2BPurchaseOrderTransactions: { importOrder: 61, booleanSpelling: 'Yes/No', key: ['AccountId', 'SiteName', 'TransactionDate', 'TransactionTypeId', 'TransactionAmount'], keyNote: 'As PurchaseOrderTransactions (the sheet has no ExternalId).' },
  StoreCredits: { importOrder: 70, booleanSpelling: 'Yes/No', key: ['Code'], keyNote: 'Store credit codes are unique per tenant.' },
  StoreCreditTransactions: { importOrder: 80, booleanSpelling: 'Yes/No', key: ['Code', 'TransactionType', 'ImpactAmount'], keyNote: 'A log without a documented id: all required fields; identical repeated transactions on one credit are indistinguishable.' },
  CustomerAttributes: { importOrder: 90, booleanSpelling: 'Yes/No', key: ['ExternalId', 'AttributeFQN'], keyNote: 'The seed accepts AccountId or ExternalId; we use ExternalId as for CustomerAccounts, one value per attribute.' },
};
