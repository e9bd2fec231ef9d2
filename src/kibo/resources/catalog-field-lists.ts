// Kibo's catalog field lists, verbatim from the Import/Export API page (shared/kibo/catalog-fields.json):
// same resources, same order, same required/optional split. Per-field knowledge lives in field-rules.ts.
// test/unit/resources asserts these equal the JSON.
import type { SeedFieldList } from './seed-field-list.ts';

export const CATALOG_FIELD_LISTS = {
  Attributes: {
    required: [
      'MasterCatalogName', 'AttributeCode', 'AttributeName', 'DataType', 'InputType', 'IsExtra', 'IsOption',
      'IsProperty', 'Namespace', 'SearchableInStorefront', 'SearchableInAdmin', 'SearchDisplayValue',
    ],
    optional: ['Description'],
  },
  AttributeValues: {
    required: [
      'MasterCatalogName', 'AttributeCode', 'DataType', 'Namespace', 'Value', 'Name', 'DisplayOrder',
    ],
    optional: [],
  },
  ProductTypes: {
    required: ['MasterCatalogName', 'ProductType', 'Standard', 'Configurable', 'Bundle', 'Component'],
    optional: ['GoodsType'],
  },
  ProductTypeAttributes: {
    required: ['MasterCatalogName', 'ProductType', 'AttributeCode', 'Type', 'Order'],
    optional: ['IsRequiredByAdmin', 'IsHiddenProperty', 'IsMultiValueProperty'],
  },
  ProductTypeAttributeValues: {
    required: ['MasterCatalogName', 'ProductType', 'AttributeCode', 'Type', 'VocabularyValue'],
    optional: [],
  },
  Categories: {
    required: ['CatalogName', 'CategoryCode', 'CategoryName', 'CategoryType'],
    optional: [
      'CategoryId', 'ParentCategoryCode', 'Expression', 'IsDisplayed', 'IsActive', 'Sequence', 'MetaTagTitle',
      'MetaTagDescription', 'PageTitle', 'CategoryDescription', 'MetaTagKeyWords', 'SEOUrl',
    ],
  },
  CategoryImages: {
    required: ['CatalogName', 'CategoryCode', 'ImageName'],
    optional: ['LocaleCode', 'AltText', 'ImageLabel', 'Order'],
  },
  SortDefinitions: {
    required: ['CatalogName', 'CategoryCode', 'ProductSortDefinitionId', 'Name'],
    optional: [
      'StartDate', 'EndDate', 'PrimaryAttribute', 'PrimaryDirection', 'SecondaryAttribute',
      'SecondaryDirection',
    ],
  },
  ProductRankings: {
    required: ['CatalogName', 'CategoryCode', 'SortDefinitionId', 'ProductCode', 'Position'],
    optional: ['Locked'],
  },
  Products: {
    required: [
      'MasterCatalogName', 'ProductCode', 'ProductType', 'ProductUsage', 'ProductName', 'Price',
      'VariationPricingMethod', 'PackageWeight', 'PackageLength', 'PackageWidth', 'PackageHeight',
    ],
    optional: [
      'SalePrice', 'Cost', 'MSRP', 'MAP', 'MAPEffectiveStartDate', 'MAPEffectiveEndDate', 'RestrictDiscount',
      'RestrictDiscountStartDate', 'RestrictDiscountEndDate', 'ManufacturerPartNumber', 'UPC',
      'DistributorPartNumber', 'IsTaxable', 'ManageStock', 'IsPackagedStandAlone', 'OutOfStockBehavior',
      'FulfillmentTypes', 'ProductShortDescription', 'ContentFullProductDescription',
      'ContentFullProductDescription2', 'ContentFullProductDescription3', 'SEOMetaTagTitle',
      'SEOMetaTagDescription', 'SEOMetaTagKeywords', 'SEOFriendlyURL',
    ],
  },
  ProductPropertyLocale: {
    required: ['MasterCatalogName', 'ProductCode', 'AttributeName'],
    optional: ['Value'],
  },
  ProductCatalog: {
    required: ['MasterCatalogName', 'CatalogName', 'ProductCode', 'IsActive'],
    optional: [
      'CategoryCodes', 'ProductName', 'Price', 'SalePrice', 'MSRP', 'MAP', 'MAPEffectiveStartDate',
      'MAPEffectiveEndDate', 'ProductShortDescription', 'ContentFullProductDescription', 'SEOMetaTagTitle',
      'SEOMetaTagDescription', 'SEOMetaTagKeywords', 'SEOFriendlyURL',
    ],
  },
  ProductBundles: {
    required: ['MasterCatalogName', 'ProductCode', 'Code', 'Quantity'],
    optional: ['Name'],
  },
  ProductOptions: {
    required: ['MasterCatalogName', 'ProductCode', 'VariationCode', 'Enabled'],
    optional: [
      'ExtraPrice', 'FixedListPrice', 'FixedSalePrice', 'FixedMSRP', 'DeltaMSRP', 'FixedWeight',
      'ExtraWeight', 'ExtraCost', 'FulfillmentTypes', 'MfgPartNo', 'UPC', 'DistPartNo',
    ],
  },
  ProductExtras: {
    required: ['MasterCatalogName', 'ProductCode', 'AttributeCode', 'Value'],
    optional: ['RequiredByShopper', 'Defaulted', 'MultiSelect', 'Quantity'],
  },
  ProductOptionsLocale: {
    required: ['MasterCatalogName', 'ProductCode', 'VariationCode'],
    optional: [
      'Currency', 'Extra Price', 'Extra MSRP', 'Extra Credit Value', 'Fixed List Price', 'Fixed Sale Price',
    ],
  },
  ProductImages: {
    required: ['MasterCatalogName', 'ProductCode', 'Name'],
    optional: ['Sequence', 'AltText', 'ImageLabel', 'VideoUrl'],
  },
  LocationTypes: {
    required: ['LocationTypeCode', 'LocationTypeName'],
    optional: [],
  },
  Locations: {
    required: [
      'LocationTypeCodes', 'LocationCode', 'Name', 'IsDisabled', 'Address1', 'AddressType', 'CityOrTown',
      'CountryCode', 'PostalOrZipCode', 'StateOrProvince', 'Shipping Contact CompanyOrOrganization',
      'Shipping Contact PhoneNumber', 'SupportsInventory', 'AllowFulfillmentWithNoStock', 'Latitude',
      'Longitude', 'Express', 'TransferEnabled', 'IncludeInLocationExport', 'IncludeInInventoryAggregrate',
      'WarehouseEnabled',
    ],
    optional: [
      'Description', 'FulfillmentTypes', 'Address2', 'Address3', 'Address4', 'Shipping Contact Email',
      'Shipping Contact FirstName', 'Shipping Contact LastNameOrSurname',
      'Shipping Contact MiddleNameOrInitial', 'Fax', 'Phone', 'Notes', 'Tags', 'Hours of operation - Sunday',
      'Hours of operation - Monday', 'Hours of operation - Tuesday', 'Hours of operation - Wednesday',
      'Hours of operation - Thursday', 'Hours of operation - Friday', 'Hours of operation - Saturday',
      'LastModifiedDate',
    ],
  },
  LocationInventory: {
    required: ['MasterCatalogName', 'ProductCode', 'LocationCode'],
    optional: ['ParentProductCode', 'StockOnHand', 'StockUpdateOption', 'StockOnBackOrder', 'StockAvailable'],
  },
  Images: {
    required: ['MasterCatalogName', 'ImageUrl'],
    optional: ['Name', 'Id', 'Tags'],
  },
  LocationGroup: {
    required: ['LocationGroupCode', 'Name', 'LocationCodes', 'SiteIds'],
    optional: ['LastModifiedDate'],
  },
  LocationGroupConfiguration: {
    required: [
      'LocationGroupCode', 'SiteId', 'CustomerFailedToPickupAfterAction', 'CustomerFailedToPickupDeadline',
      'SendCustomerPickupReminder', 'DefaultCarrier', 'PrintReturnLabel', 'DefaultPrinterType',
    ],
    optional: ['LastModifiedDate'],
  },
  LocationGroupBoxTypeConfig: {
    required: ['LocationGroupCode', 'SiteId', 'Name', 'Height', 'Length', 'Width'],
    optional: [],
  },
  LocationGroupCarrierConfig: {
    required: [
      'LocationGroupCode', 'SiteId', 'CarrierType', 'IsEnabled', 'EnableSmartPost', 'Express1DayDefault',
      'Express2DayDefault', 'Express3DayDefault', 'ReturnLabelShippingMethod', 'ShippingMethods',
      'StandardDefault',
    ],
    optional: [],
  },
  Pricelists: {
    required: [
      'MasterCatalogName', 'PriceListName', 'PriceListCode', 'Enabled', 'ValidForAllSites', 'ValidSites',
    ],
    optional: [
      'ParentPriceListCode', 'Description', 'FilteredInStorefront', 'IndexedSites', 'DefaultForSites',
      'MappedCustomerSegments', 'Resolvable', 'ResolutionRank', 'CreatedBy',
    ],
  },
  PricelistEntries: {
    required: [
      'MasterCatalogName', 'PriceListCode', 'ProductCode', 'CurrencyCode', 'StartDate', 'IsVariation',
    ],
    optional: [
      'ProductName', 'OptionSummary', 'EndDate', 'PriceListEntryMode', 'MsrpMode', 'Msrp', 'CostMode', 'Cost',
      'MapMode', 'Map', 'MapStartDate', 'MapEndDate', 'DiscountsRestricted', 'DiscountsRestrictedMode',
      'DiscountsRestrictedStartDate', 'DiscountsRestrictedEndDate', 'CreatedBy', 'PriceListEntryTypeCode',
    ],
  },
  PricelistEntryPrices: {
    required: [
      'MasterCatalogName', 'PriceListCode', 'ProductCode', 'CurrencyCode', 'StartDate', 'MinimumQuantity',
    ],
    optional: ['ListPriceMode', 'SalePriceMode', 'ListPrice', 'SalePrice'],
  },
  PricelistEntryExtras: {
    required: [
      'MasterCatalogName', 'PriceListCode', 'ProductCode', 'CurrencyCode', 'StartDate', 'AttributeFQN',
      'Value', 'Price',
    ],
    optional: ['DisplayValue', 'AttributeCode'],
  },
} as const satisfies Readonly<Record<string, SeedFieldList>>;
