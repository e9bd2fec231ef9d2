// The shape of one resource's field list as Kibo's documentation publishes it.

export interface SeedFieldList {
  readonly required: readonly string[];
  readonly optional: readonly string[];
}
