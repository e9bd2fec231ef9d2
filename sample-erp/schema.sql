-- Sample ERP schema shipped with kibo-erp-sync: what the shipped mappings read, the demo loads and the
-- tests sync. Shaped like a small retailer's ERP: items, catalog listings, categories, price lists with
-- tiers in several currencies, stock by location, customers, contacts and B2B accounts.
create schema if not exists erp;

create table erp.items (
  sku            text primary key,          -- leading zeros matter: '000123' is not '123'
  title          text not null,
  description    text,                      -- commas, quotes, newlines, unicode
  short_text     text,
  product_type   text not null default 'Base',
  list_price     numeric(12, 2) not null,
  sale_price     numeric(12, 2),            -- null = no sale price (cleared in Kibo)
  unit_cost      numeric(12, 4),
  taxable        boolean not null default true,
  weight_kg      numeric(10, 3) not null,
  length_cm      numeric(10, 3) not null,
  width_cm       numeric(10, 3) not null,
  height_cm      numeric(10, 3) not null,
  upc            text,
  fulfillment    text[] not null default '{DirectShip}',
  sellable       boolean not null default true,
  updated_at     timestamptz not null default '2026-01-01T00:00:00Z'
);

create table erp.categories (
  catalog_name   text not null,
  code           text not null,
  name           text not null,
  parent_code    text,
  sequence       integer,
  active         boolean not null default true,
  primary key (catalog_name, code)
);

create table erp.catalog_listings (
  catalog_name   text not null,
  sku            text not null references erp.items (sku),
  active         boolean not null default true,
  category_codes text[] not null default '{}',
  primary key (catalog_name, sku)
);

create table erp.price_lists (
  code           text primary key,
  name           text not null,
  enabled        boolean not null default true,
  all_sites      boolean not null default true,
  sites          text not null,             -- comma-separated Kibo site ids
  description    text
);

create table erp.price_list_items (
  price_list     text not null references erp.price_lists (code),
  sku            text not null references erp.items (sku),
  currency       text not null,
  starts_at      timestamptz not null,
  ends_at        timestamptz,
  msrp           numeric(12, 2),
  cost           numeric(12, 2),
  primary key (price_list, sku, currency, starts_at)
);

create table erp.price_tiers (
  price_list     text not null,
  sku            text not null,
  currency       text not null,
  starts_at      timestamptz not null,
  min_quantity   integer not null,
  list_price     numeric(12, 2) not null,
  sale_price     numeric(12, 2),
  primary key (price_list, sku, currency, starts_at, min_quantity),
  foreign key (price_list, sku, currency, starts_at) references erp.price_list_items
);

create table erp.stock (
  location_code  text not null,
  sku            text not null references erp.items (sku),
  on_hand        integer not null,
  on_backorder   integer not null default 0,
  primary key (location_code, sku)
);

create table erp.customers (
  customer_no    text primary key,          -- the ERP's id, sent as Kibo ExternalId
  kibo_account_id integer unique,           -- Kibo AccountId, assigned by the ERP integration
  email          text not null,
  first_name     text,
  last_name      text,
  company        text,
  tax_exempt     boolean not null default false,
  accepts_marketing boolean not null default false,
  segments       text[] not null default '{}',
  is_b2b         boolean not null default false,
  tax_id         text,
  price_list     text
);

create table erp.customer_addresses (
  customer_no    text not null references erp.customers (customer_no),
  contact_no     integer not null,
  kind           text not null,             -- Shipping | Billing
  is_primary     boolean not null default false,
  first_name     text,
  last_name      text,
  email          text,
  phone          text,
  address1       text not null,
  address2       text,
  city           text not null,
  region         text,
  postal_code    text,
  country        text not null,
  primary key (customer_no, contact_no)
);
