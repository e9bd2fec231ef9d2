// Kibo's customer field lists, verbatim from the Import/Export API page (shared/kibo/customer-fields.json),
// in the seed's import order. Per-field knowledge lives in field-rules.ts.
// test/unit/resources asserts these equal the JSON.
import type { SeedFieldList } from './seed-field-list.ts';

export const CUSTOMER_FIELD_LISTS = {
  CustomerSegments: {
    required: ['Code', 'Name'],
    optional: ['Customer Segment Id', 'segmentId', 'Description'],
  },
  CustomerAccounts: {
    required: ['Email'],
    optional: [
      'ExternalId', 'AccountId', 'CustomerAccountId', 'UserName', 'FirstName', 'LastName',
      'CompanyOrOrganization', 'CustomerSet', 'CustomerSegments', 'TaxExempt', 'TaxId', 'AcceptsMarketing',
      'IsAnonymous', 'AccountTypeId', 'LifetimeValue', 'OrderCount', 'PriceList', 'LastOrderDate',
      'LastModifiedDate', 'CustomerSinceDate', 'UserId',
    ],
  },
  CustomerContacts: {
    required: ['AccountId'],
    optional: [
      'ExternalId', 'CustomerAccountId', 'ContactId', 'Type', 'IsPrimary', 'CompanyOrOrganization',
      'FirstName', 'MiddleName', 'LastName', 'Email', 'FaxNumber', 'HomePhone', 'MobilePhone', 'WorkPhone',
      'AddressType', 'Address1', 'Address2', 'Address3', 'Address4', 'CityOrTown', 'StateOrProvince',
      'PostalOrZipCode', 'CountryCode', 'Label', 'LastModifiedDate',
    ],
  },
  PurchaseOrderAccounts: {
    required: ['AccountId'],
    optional: [
      'ExternalId', 'Enabled', 'CreditLimit', 'OverdraftAllowanceType', 'OverdraftAllowance',
      'AvailableBalance',
    ],
  },
  PurchaseOrderPaymentTerms: {
    required: ['ExternalId', 'SiteName', 'Code'],
    optional: ['AccountId'],
  },
  PurchaseOrderTransactions: {
    required: ['AccountId', 'SiteName', 'TransactionAmount', 'TransactionTypeId'],
    optional: [
      'OrderNumber', 'OrderType', 'PurchaseOrderNumber', 'TransactionDescription', 'Author',
      'TransactionDate', 'AdditionalTransactionDetail', 'CreditLimit',
    ],
  },
  StoreCredits: {
    required: ['Code', 'CreditType', 'CurrencyCode', 'InitialBalance'],
    optional: ['ActivationDate', 'CurrentBalance', 'CustomerId', 'ExpirationDate'],
  },
  StoreCreditTransactions: {
    required: ['Code', 'ImpactAmount', 'TransactionType'],
    optional: ['Comments'],
  },
  CustomerAttributes: {
    required: ['AttributeFQN', 'Value'],
    optional: ['AccountId', 'ExternalId'],
  },
} as const satisfies Readonly<Record<string, SeedFieldList>>;
