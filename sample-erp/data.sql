-- Sample ERP data: deterministic, small, and full of what breaks naive CSV code.
insert into erp.items (sku, title, description, short_text, list_price, sale_price, unit_cost, taxable,
                       weight_kg, length_cm, width_cm, height_cm, upc, fulfillment) values
  ('000123', 'Café Crème Mug', 'Stoneware mug, 350 ml. Dishwasher safe, microwave safe.', 'A mug for "real" coffee', 12.50, 9.99, 3.1000, true, 0.450, 12, 9, 10.5, '0012345678905', '{DirectShip,InStorePickup}'),
  ('000124', 'Zürich Wanderschuh', E'Leather hiking boot.\nWaterproof lining;\nVibram® sole.', 'Größe 36–47', 189.00, null, 71.2000, true, 1.200, 32, 20, 14, '4006381333931', '{DirectShip}'),
  ('000125', '東京 Tea Set', 'Cast-iron teapot with four cups, "tetsubin" style, 0.8 l', '急須', 89.90, 79.90, 30.0000, true, 2.100, 25, 25, 15, null, '{DirectShip,InStorePickup}'),
  ('000126', 'Chef''s Knife 8"', 'German steel, full tang; hand wash only, dry immediately.', null, 129.00, null, 45.5000, true, 0.300, 35, 5, 3, '0098765432109', '{DirectShip}'),
  ('000127', 'Gift Card, Digital', 'Delivered by email,
no shipping.', 'Any amount', 25.00, null, null, false, 0.000, 0, 0, 0, null, '{Digital}'),
  ('000128', 'Ñandú Feather Duster', 'Naturally shed feathers, 45 cm handle, made in Córdoba', null, 19.95, 14.95, 6.0000, true, 0.120, 60, 10, 10, null, '{DirectShip}'),
  ('0A-0129', 'Emoji Socks 🧦 (3 pack)', 'Cotton blend; sizes S, M, L', 'Fun, warm, "comfy"', 14.00, null, 3.5000, true, 0.150, 20, 12, 3, null, '{DirectShip,InStorePickup}'),
  ('000130', 'Discontinued Lamp', 'Kept in the ERP but no longer sellable', null, 49.00, null, 20.0000, true, 1.500, 30, 30, 45, null, '{DirectShip}');
update erp.items set sellable = false where sku = '000130';

insert into erp.items (sku, title, description, short_text, list_price, sale_price, unit_cost, taxable,
                       weight_kg, length_cm, width_cm, height_cm, upc, fulfillment, product_type)
select lpad((1000 + n)::text, 6, '0'),
       'Notebook No. ' || n || case when n % 5 = 0 then ', dotted' else '' end,
       'A5 notebook, ' || (80 + n) || ' pages' || case when n % 7 = 0 then E'\nLimited edition' else '' end,
       null,
       (4.99 + n)::numeric(12, 2),
       case when n % 4 = 0 then (3.99 + n)::numeric(12, 2) end,
       (1.25 + n / 10.0)::numeric(12, 4),
       n % 9 <> 0,
       (0.200 + n / 1000.0)::numeric(10, 3), 21, 14.8, 1.2,
       null,
       case when n % 3 = 0 then '{DirectShip,InStorePickup}'::text[] else '{DirectShip}'::text[] end,
       'Base'
from generate_series(1, 32) as n;

insert into erp.categories (catalog_name, code, name, parent_code, sequence) values
  ('Main Catalog', 'KITCHEN', 'Kitchen & Dining', null, 1),
  ('Main Catalog', 'KITCHEN-MUGS', 'Mugs, Cups & "Tumblers"', 'KITCHEN', 1),
  ('Main Catalog', 'OUTDOOR', 'Outdoor', null, 2),
  ('Main Catalog', 'STATIONERY', 'Stationery', null, 3),
  ('Main Catalog', 'GIFTS', 'Gifts 🎁', null, 4),
  ('Main Catalog', '007', 'Agents'' Picks', null, 5);

insert into erp.catalog_listings (catalog_name, sku, active, category_codes)
select 'Main Catalog', sku, sellable,
       case when sku like '0001%' then '{KITCHEN,GIFTS}'::text[] else '{STATIONERY}'::text[] end
from erp.items;

insert into erp.price_lists (code, name, enabled, all_sites, sites, description) values
  ('RETAIL-US', 'Retail (US)', true, true, '100001', 'Default US prices'),
  ('RETAIL-CA', 'Retail (Canada)', true, true, '100001', 'Prix de détail, Canada'),
  ('WHOLESALE-EU', 'Wholesale, EU', true, false, '100001,100002', 'Tiered B2B prices; "net" of VAT');

insert into erp.price_list_items (price_list, sku, currency, starts_at, ends_at, msrp, cost)
select pl.code, i.sku, pl.currency, timestamptz '2026-01-01 00:00:00+00',
       case when i.sku = '000128' then timestamptz '2026-12-31 23:59:59+00' end,
       i.list_price, i.unit_cost::numeric(12, 2)
from erp.items i
cross join (values ('RETAIL-US', 'USD'), ('RETAIL-CA', 'CAD'), ('WHOLESALE-EU', 'EUR')) as pl(code, currency)
where i.sellable and (pl.code <> 'WHOLESALE-EU' or i.sku like '0010%');

insert into erp.price_tiers (price_list, sku, currency, starts_at, min_quantity, list_price, sale_price)
select e.price_list, e.sku, e.currency, e.starts_at, t.min_quantity,
       round(i.list_price * case e.currency when 'CAD' then 1.37 when 'EUR' then 0.92 else 1 end * t.factor, 2),
       case when i.sale_price is not null and t.min_quantity = 1
            then round(i.sale_price * case e.currency when 'CAD' then 1.37 when 'EUR' then 0.92 else 1 end, 2) end
from erp.price_list_items e
join erp.items i using (sku)
cross join (values (1, 1.0), (10, 0.95), (50, 0.85)) as t(min_quantity, factor)
where e.price_list = 'WHOLESALE-EU' or t.min_quantity = 1;

insert into erp.stock (location_code, sku, on_hand, on_backorder)
select loc, sku, (abs(hashtext(loc || sku)) % 200), case when abs(hashtext(sku)) % 5 = 0 then 3 else 0 end
from erp.items cross join (values ('WH-001'), ('STORE-0042')) as l(loc)
where sellable;

insert into erp.customers (customer_no, kibo_account_id, email, first_name, last_name, company, tax_exempt,
                           accepts_marketing, segments, is_b2b, tax_id, price_list) values
  ('C-0001', 1001, 'ana.garcia@example.com', 'Ana', 'García', null, false, true, '{VIP}', false, null, null),
  ('C-0002', 1002, 'jp@example.co.jp', '健', '佐藤', null, false, false, '{}', false, null, null),
  ('C-0003', 1003, 'o.connor@example.ie', 'Siobhán', 'O''Connor', null, false, true, '{VIP,NEWSLETTER}', false, null, null),
  ('C-0004', 1004, 'buyer@acme-widgets.example', 'Wile E.', 'Coyote', 'Acme Widgets, Inc.', true, false, '{B2B}', true, 'US-12-3456789', 'WHOLESALE-EU'),
  ('C-0005', 1005, 'purchasing@nordlicht.example', 'Jörg', 'Müller', 'Nordlicht "Leuchten" GmbH', false, false, '{B2B}', true, 'DE123456789', 'WHOLESALE-EU'),
  ('C-0006', 1006, 'no.name@example.com', null, null, null, false, false, '{}', false, null, null);

insert into erp.customer_addresses (customer_no, contact_no, kind, is_primary, first_name, last_name, email, phone,
                                    address1, address2, city, region, postal_code, country) values
  ('C-0001', 1, 'Shipping', true, 'Ana', 'García', 'ana.garcia@example.com', '+34 600 123 456', 'Calle Mayor, 12', '3º izq.', 'Madrid', 'M', '28013', 'ES'),
  ('C-0002', 1, 'Shipping', true, '健', '佐藤', null, '+81 3-1234-5678', '1-2-3 Shibuya', null, '東京', '13', '150-0002', 'JP'),
  ('C-0003', 1, 'Billing', true, 'Siobhán', 'O''Connor', null, '+353 1 234 5678', '5 Grafton St', null, 'Dublin', null, 'D02 XY45', 'IE'),
  ('C-0004', 1, 'Billing', true, 'Wile E.', 'Coyote', 'ap@acme-widgets.example', '+1 505 555 0100', '1 Desert Road', 'Suite "B"', 'Albuquerque', 'NM', '87101', 'US'),
  ('C-0004', 2, 'Shipping', false, 'Road', 'Runner', null, '+1 505 555 0101', 'Mesa Warehouse, Dock 7', null, 'Albuquerque', 'NM', '87102', 'US'),
  ('C-0005', 1, 'Shipping', true, 'Jörg', 'Müller', null, '+49 30 1234567', 'Lichtstraße 7', null, 'Berlin', 'BE', '10115', 'DE');
