// Header spellings in real Kibo exports where they differ from the canonical field name. Readers match
// headers ignoring case and spaces, so these matter for what we (and the emulator) write, not for parsing.
// Markers: CONFIRMED = spelling seen in real exports (NOTES.md); EXTRAPOLATED = same spaced style assumed
// for the rest of that file. B2B headers come from b2b-field-lists.ts (the template's own spelling).

// Price-list files: CONFIRMED `Master Catalog Name`, `PriceList Code`, `Product Code`, `Start Date`.
// EXTRAPOLATED: everything else, words split at capitals, `PriceList` kept as one word as in `PriceList Code`.
const PRICE_LIST_KEY_HEADERS = {
  MasterCatalogName: 'Master Catalog Name', // CONFIRMED
  PriceListCode: 'PriceList Code', // CONFIRMED
  ProductCode: 'Product Code', // CONFIRMED
  CurrencyCode: 'Currency Code',
  StartDate: 'Start Date', // CONFIRMED
};

export const EXPORT_HEADERS_BY_RESOURCE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // products.csv: CONFIRMED `MasterCatalogName` unspaced; every other header is the field name.
  Products: { MasterCatalogName: 'MasterCatalogName' },
  // CONFIRMED spelling `Attribute Name` (NOTES.md); that it is attributes.csv's column is our reading.
  Attributes: { AttributeName: 'Attribute Name' },
  Pricelists: {
    MasterCatalogName: 'Master Catalog Name', // CONFIRMED
    PriceListName: 'PriceList Name',
    PriceListCode: 'PriceList Code', // CONFIRMED
    Enabled: 'Enabled',
    ValidForAllSites: 'Valid For All Sites',
    ValidSites: 'Valid Sites',
    ParentPriceListCode: 'Parent PriceList Code',
    Description: 'Description',
    FilteredInStorefront: 'Filtered In Storefront',
    IndexedSites: 'Indexed Sites',
    DefaultForSites: 'Default For Sites',
    MappedCustomerSegments: 'Mapped Customer Segments',
    Resolvable: 'Resolvable',
    ResolutionRank: 'Resolution Rank',
    CreatedBy: 'Created By',
  },
  PricelistEntries: {
    ...PRICE_LIST_KEY_HEADERS,
    IsVariation: 'Is Variation',
    ProductName: 'Product Name',
    OptionSummary: 'Option Summary',
    EndDate: 'End Date',
    PriceListEntryMode: 'PriceList Entry Mode',
    MsrpMode: 'Msrp Mode',
    Msrp: 'Msrp',
    CostMode: 'Cost Mode',
    Cost: 'Cost',
    MapMode: 'Map Mode',
    Map: 'Map',
    MapStartDate: 'Map Start Date',
    MapEndDate: 'Map End Date',
    DiscountsRestricted: 'Discounts Restricted',
    DiscountsRestrictedMode: 'Discounts Restricted Mode',
    DiscountsRestrictedStartDate: 'Discounts Restricted Start Date',
    DiscountsRestrictedEndDate: 'Discounts Restricted End Date',
    CreatedBy: 'Created By',
    PriceListEntryTypeCode: 'PriceList Entry Type Code',
  },
  PricelistEntryPrices: {
    ...PRICE_LIST_KEY_HEADERS,
    MinimumQuantity: 'Minimum Quantity',
    ListPriceMode: 'List Price Mode',
    SalePriceMode: 'Sale Price Mode',
    ListPrice: 'List Price',
    SalePrice: 'Sale Price',
  },
  PricelistEntryExtras: {
    ...PRICE_LIST_KEY_HEADERS,
    AttributeFQN: 'Attribute FQN',
    Value: 'Value',
    Price: 'Price',
    DisplayValue: 'Display Value',
    AttributeCode: 'Attribute Code',
  },
};
