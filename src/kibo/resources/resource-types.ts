// The shape of the resource registry: what the engine and the emulator know about each Kibo
// Import/Export resource. The registry is data; these types are its contract.

export type KiboDomain = 'catalog' | 'customer';

/**
 * The kind of value a field holds. Drives normalization in the engine's diff and the emulator's
 * re-formatting, each with its own code (they share only this description).
 */
export type FieldValueKind =
  | 'string'
  | 'integer'
  | 'decimal' // plain number, exported with `scale` decimals when scale is set
  | 'money' // exported with 4 decimals (`170.0000`)
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'list'; // multi-value, joined with `listSeparator`

/** How a boolean is spelled in this resource's CSV as Kibo exports it. */
export type BooleanSpelling = 'True/False' | 'Yes/No' | 'TRUE/FALSE';

export interface FieldSpec {
  /** The canonical name, as the seed's field list spells it (e.g. `PriceListCode`). */
  readonly name: string;
  readonly required: boolean;
  readonly kind: FieldValueKind;
  /** The header as real exports spell it (`PriceList Code` in price-list files); defaults to `name`. */
  readonly exportHeader: string;
  /** Decimals that Kibo writes on export for decimal/money fields (money: 4, dimensions: 3). */
  readonly scale?: number;
  /** Separator between values of a list field (`&` for products FulfillmentTypes, `,`, `|`, LF …). */
  readonly listSeparator?: string;
  /** Whether the list's order is meaningless (compared as a set). */
  readonly listUnordered?: boolean;
  /** Spelling of booleans for this field (B2BUsers mixes TRUE/FALSE and Yes/No). */
  readonly booleanSpelling?: BooleanSpelling;
  /** Closed set of accepted values (e.g. RoleList 1–3, TransactionTypeId 1–6), as strings. */
  readonly allowedValues?: readonly string[];
  /** Maximum length in characters, where Kibo documents one. */
  readonly maxLength?: number;
  /** Value Kibo assumes when the field is absent (e.g. AccountTypeId 1); lets a mapping omit a required field. */
  readonly defaultValue?: string;
}

/** Columns that follow the fixed ones and are named after data (attribute codes, currencies, locales). */
export type DynamicColumns = 'propertyAttributes' | 'optionAttributes' | 'currencies' | 'locales';

export interface ResourceSpec {
  /** PascalCase name as the seed spells it (`PricelistEntries`). */
  readonly name: string;
  readonly domain: KiboDomain;
  /** Entry name in an export zip: lowercase `<name>.csv`. */
  readonly fileName: string;
  readonly fields: readonly FieldSpec[];
  /** Field names (canonical) that identify a record; upserts and deleteOmitted work by this key. */
  readonly key: readonly string[];
  /** Why this key was chosen (documented choice, e.g. CustomerAccounts: ExternalId over AccountId). */
  readonly keyNote: string;
  /** Position in import order within the domain (lower imports first). */
  readonly importOrder: number;
  /** Default boolean spelling for the whole file. */
  readonly booleanSpelling: BooleanSpelling;
  /**
   * Columns real exports carry beyond the field list, in their export spelling (`Ships by itself`,
   * `IsContentOverridden`); kept by the emulator and passed through unchanged by the engine.
   */
  readonly extraColumns: readonly string[];
  readonly dynamicColumns?: DynamicColumns;
  /** Where the resource came from: the seed's field lists or the B2B template. */
  readonly source: 'catalog-fields' | 'customer-fields' | 'b2b-template';
}
