// The six sheets of Kibo's B2B Import/Export template (shared/seeds/002_…: "B2B Template"), columns in
// the template's order and spelling. The template has no required/optional split (it only says some
// columns are "not required for an import"); `required` below is our choice: the fields that identify a
// record (the registry key) plus fields Kibo cannot create a record without, each noted.

export interface B2bColumn {
  /** Canonical name: the header without spaces, PascalCase (matches the customer sheets' names). */
  readonly name: string;
  /** The header exactly as the template writes it (spaces, `AccountID`, `firstName` …). */
  readonly header: string;
}

export interface B2bSheet {
  readonly columns: readonly B2bColumn[];
  readonly required: readonly string[];
}

/** Column whose canonical name is its header with spaces removed and the first letter upper-cased. */
function column(header: string): B2bColumn {
  const compact = header.replaceAll(' ', '');
  const name = compact.charAt(0).toUpperCase() + compact.slice(1).replace(/ID$/u, 'Id');
  return { name, header };
}

export const B2B_SHEETS = {
  B2BAccounts: {
    columns: [
      'ExternalId', 'AccountId', 'Company Or Organization', 'TaxId', 'Tax Exempt', 'Customer Set',
      'Customer Segments', 'Total Order Amount', 'Total Orders', 'Last Order Date', 'Last Modified Date',
      'Price List',
    ].map(column),
    // A B2B account is a company: Kibo's B2BAccount cannot be created without its company name.
    required: ['ExternalId', 'CompanyOrOrganization'],
  },
  B2BContacts: {
    columns: [
      'ExternalId', 'AccountID', 'ContactId', 'Type', 'IsPrimary', 'Company Or Organization', 'First Name',
      'Middle Name', 'Last Name', 'Email', 'Fax Number', 'Home Phone', 'Mobile Phone', 'Work Phone',
      'Address Type', 'Address1', 'Address2', 'Address3', 'Address4', 'City Or Town', 'State Or Province',
      'Postal Or ZipCode', 'Country Code', 'Last Modified Date',
    ].map(column),
    required: ['ExternalId', 'ContactId'],
  },
  B2BPurchaseOrderAccounts: {
    columns: [
      'ExternalId', 'AccountId', 'Enabled', 'Credit Limit', 'Overdraft Allowance Type', 'Overdraft Allowance',
      'Available Balance',
    ].map(column),
    required: ['ExternalId'],
  },
  B2BPurchaseOrderPaymentTerms: {
    columns: ['ExternalId', 'AccountID', 'SiteId', 'Site Name', 'Code'].map(column),
    // Same as the customer sheet PurchaseOrderPaymentTerms, where the seed requires these three.
    required: ['ExternalId', 'SiteName', 'Code'],
  },
  B2BPurchaseOrderTransactions: {
    columns: [
      'AccountID', 'Site Name', 'Order Number', 'Order Type', 'Purchase Order Number', 'Transaction Amount',
      'Transaction Type Id', 'Transaction Description', 'Author', 'Transaction Date',
      'Additional Transaction Detail', 'Credit Limit', 'Available Balance',
    ].map(column),
    // The seed's PurchaseOrderTransactions requires AccountId, SiteName, TransactionAmount and
    // TransactionTypeId; TransactionDate is part of our key (see resource-definitions.ts).
    required: ['AccountId', 'SiteName', 'TransactionAmount', 'TransactionTypeId', 'TransactionDate'],
  },
  B2BUsers: {
    columns: [
      'ExternalAccountId', 'AccountId', 'ExternalUserId', 'UserId', 'UserName', 'EmailAddress', 'firstName',
      'lastName', 'localeCode', 'isLocked', 'isActive', 'isRemoved', 'Accepts Marketing', 'RoleList',
      'ExternalPassword',
    ].map(column),
    required: ['ExternalAccountId', 'EmailAddress'],
  },
} as const satisfies Readonly<Record<string, B2bSheet>>;
