// Per-field knowledge layered over the seed's field lists: value kinds, list separators, closed value
// sets and length limits. Rules by field name apply in every resource; per-resource rules win over them.
// A field named in no table is a plain string. Sources: NOTES.md (real exports), the seed pages, the B2B
// template; everything else is a judgement call and says so.
import type { BooleanSpelling, FieldSpec } from './resource-types.ts';

export type FieldRule = Partial<Omit<FieldSpec, 'name' | 'required' | 'exportHeader'>>;

const MONEY: FieldRule = { kind: 'money', scale: 4 };
/** Package and box dimensions and weights: Kibo exports them with 3 decimals (`1.000`). */
const MEASURE: FieldRule = { kind: 'decimal', scale: 3 };
const INTEGER: FieldRule = { kind: 'integer' };
const BOOLEAN: FieldRule = { kind: 'boolean' };
const DATETIME: FieldRule = { kind: 'datetime' };
/** Multi-value cell; the separator is a guess unless a comment says otherwise. */
function list(listSeparator: string, listUnordered = true): FieldRule {
  return { kind: 'list', listSeparator, listUnordered };
}
function oneOf(...allowedValues: string[]): FieldRule {
  return { allowedValues };
}
function spelledAs(booleanSpelling: BooleanSpelling): FieldRule {
  return { kind: 'boolean', booleanSpelling };
}

const MONEY_FIELDS = [
  'Price', 'SalePrice', 'Cost', 'MSRP', 'MAP', 'Msrp', 'Map', 'ListPrice', 'ExtraPrice', 'ExtraCost',
  'FixedListPrice', 'FixedSalePrice', 'FixedMSRP', 'DeltaMSRP', 'Extra Price', 'Extra MSRP',
  'Extra Credit Value', 'Fixed List Price', 'Fixed Sale Price', 'CreditLimit', 'AvailableBalance',
  'TransactionAmount', 'LifetimeValue', 'TotalOrderAmount', 'InitialBalance', 'CurrentBalance', 'ImpactAmount',
];
const MEASURE_FIELDS = [
  'PackageWeight', 'PackageLength', 'PackageWidth', 'PackageHeight', 'FixedWeight', 'ExtraWeight',
  'Height', 'Length', 'Width',
];
// Counts, orders, positions, quantities and the ids Kibo documents as integers.
const INTEGER_FIELDS = [
  'DisplayOrder', 'Order', 'Sequence', 'Position', 'Quantity', 'MinimumQuantity', 'ResolutionRank',
  'StockOnHand', 'StockOnBackOrder', 'StockAvailable', 'CategoryId', 'ProductSortDefinitionId',
  'SortDefinitionId', 'SiteId', 'CustomerFailedToPickupDeadline', 'SendCustomerPickupReminder',
  'Customer Segment Id', 'segmentId', 'AccountId', 'CustomerAccountId', 'AccountTypeId', 'OrderCount',
  'TotalOrders', 'OrderNumber', 'TransactionTypeId', 'CustomerId', 'RoleList',
];
const BOOLEAN_FIELDS = [
  'IsExtra', 'IsOption', 'IsProperty', 'SearchableInStorefront', 'SearchableInAdmin', 'SearchDisplayValue',
  'Standard', 'Configurable', 'Bundle', 'Component', 'IsRequiredByAdmin', 'IsHiddenProperty',
  'IsMultiValueProperty', 'IsDisplayed', 'IsActive', 'Locked', 'RestrictDiscount', 'IsTaxable', 'ManageStock',
  'IsPackagedStandAlone', 'Enabled', 'RequiredByShopper', 'Defaulted', 'MultiSelect', 'IsDisabled',
  'SupportsInventory', 'AllowFulfillmentWithNoStock', 'Express', 'TransferEnabled', 'IncludeInLocationExport',
  'IncludeInInventoryAggregrate', 'WarehouseEnabled', 'PrintReturnLabel', 'IsEnabled', 'EnableSmartPost',
  'ValidForAllSites', 'FilteredInStorefront', 'Resolvable', 'IsVariation', 'DiscountsRestricted', 'TaxExempt',
  'AcceptsMarketing', 'IsAnonymous', 'IsPrimary', 'IsLocked', 'IsRemoved',
];
const DATETIME_FIELDS = [
  'StartDate', 'EndDate', 'MAPEffectiveStartDate', 'MAPEffectiveEndDate', 'RestrictDiscountStartDate',
  'RestrictDiscountEndDate', 'LastModifiedDate', 'MapStartDate', 'MapEndDate', 'DiscountsRestrictedStartDate',
  'DiscountsRestrictedEndDate', 'LastOrderDate', 'CustomerSinceDate', 'TransactionDate', 'ActivationDate',
  'ExpirationDate',
];

function ruleTable(names: readonly string[], rule: FieldRule): Record<string, FieldRule> {
  return Object.fromEntries(names.map((name) => [name, rule]));
}

export const FIELD_RULES_BY_NAME: Readonly<Record<string, FieldRule>> = {
  ...ruleTable(MONEY_FIELDS, MONEY),
  ...ruleTable(MEASURE_FIELDS, MEASURE),
  ...ruleTable(INTEGER_FIELDS, INTEGER),
  ...ruleTable(BOOLEAN_FIELDS, BOOLEAN),
  ...ruleTable(DATETIME_FIELDS, DATETIME),
  // Plain numbers entered by people; no fixed export scale is known.
  Latitude: { kind: 'decimal' },
  Longitude: { kind: 'decimal' },
  // Amount or percent depending on OverdraftAllowanceType, so not money; exported like money (guess).
  OverdraftAllowance: { kind: 'decimal', scale: 4 },
  // Guess: comma-separated codes and site ids, as in Kibo's admin import templates.
  LocationTypeCodes: list(','),
  LocationCodes: list(','),
  SiteIds: list(','),
  ValidSites: list(','),
  IndexedSites: list(','),
  DefaultForSites: list(','),
  MappedCustomerSegments: list(','),
  ShippingMethods: list(','),
  CategoryCodes: list(','),
  Tags: list(','),
  FulfillmentTypes: list(','),
  // Seed: "CustomerSegments values are pipe-separated or carriage-return-separated"; we write pipes.
  CustomerSegments: list('|'),
  // Documented limits: price list codes 50 characters (B2B template, Price List), address lines 200.
  PriceListCode: { maxLength: 50 },
  ParentPriceListCode: { maxLength: 50 },
  PriceList: { maxLength: 50 },
  // Seed: "AccountTypeId defaults to 1 if not specified".
  AccountTypeId: { kind: 'integer', defaultValue: '1' },
  // Enumerations the B2B template lists (the customer sheets hold "very similar data": same rules).
  TransactionTypeId: { kind: 'integer', allowedValues: ['1', '2', '3', '4', '5', '6'] },
  OrderType: oneOf('Offline', 'Online'),
  OverdraftAllowanceType: oneOf('Amount', 'Percent'),
};

const ADDRESS_LINE: FieldRule = { maxLength: 200 };
const CONTACT_RULES: Readonly<Record<string, FieldRule>> = {
  Type: oneOf('Shipping', 'Billing'),
  AddressType: oneOf('Residential', 'Commercial', 'None'),
  Address1: ADDRESS_LINE,
  Address2: ADDRESS_LINE,
  Address3: ADDRESS_LINE,
  Address4: ADDRESS_LINE,
};

export const FIELD_RULES_BY_RESOURCE: Readonly<Record<string, Readonly<Record<string, FieldRule>>>> = {
  // NOTES.md (real export): products FulfillmentTypes joined with `&` (`DirectShip&InStorePickup`).
  Products: { FulfillmentTypes: list('&') },
  // NOTES.md (real export): productoptions FulfillmentTypes comma-joined.
  ProductOptions: { FulfillmentTypes: list(',') },
  CustomerContacts: CONTACT_RULES,
  B2BContacts: CONTACT_RULES,
  // B2B template: "An integer (1, 2, or 3)"; isLocked/isActive/isRemoved TRUE/FALSE, Accepts Marketing Yes/No.
  B2BUsers: {
    RoleList: { kind: 'integer', allowedValues: ['1', '2', '3'] },
    IsLocked: spelledAs('TRUE/FALSE'),
    IsActive: spelledAs('TRUE/FALSE'),
    IsRemoved: spelledAs('TRUE/FALSE'),
    AcceptsMarketing: spelledAs('Yes/No'),
    // Template says "Any integer", but Kibo user ids are 32-character hex strings: keep text.
    UserId: { kind: 'string' },
  },
};

/** The rule for one field: the name table, then the resource's own table on top. */
export function resolveFieldRule(resourceName: string, fieldName: string): FieldRule {
  return { ...FIELD_RULES_BY_NAME[fieldName], ...FIELD_RULES_BY_RESOURCE[resourceName]?.[fieldName] };
}
