-- The demo's second act: a few ERP edits, so the next run shows a delta instead of a full load.
-- Three price changes (one of them also clears its sale price, sent as ~delete~) and two new products:
-- the next run uploads exactly five rows.
update erp.items set list_price = 13.50, sale_price = null where sku = '000123';
update erp.items set list_price = 179.00 where sku = '000124';
update erp.items set list_price = 6.49 where sku = '001001';
insert into erp.items (sku, title, description, list_price, sale_price, unit_cost, taxable,
                       weight_kg, length_cm, width_cm, height_cm, fulfillment) values
  ('000131', 'Olive-Wood Spoon, 30 cm', 'Hand-carved; oil monthly, "never" soak', 16.00, null, 5.0000, true, 0.080, 30, 6, 2, '{DirectShip}'),
  ('000132', 'Crème Brûlée Torch', 'Butane kitchen torch, refillable, adjustable flame', 34.95, 29.95, 12.0000, true, 0.350, 18, 8, 6, '{DirectShip,InStorePickup}');
