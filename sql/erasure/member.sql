-- Erase one loyalty member ({{loyalty_id}}) from bronze, silver, the identity bridge and quarantine, for a right-to-delete
-- request. The member's rows are the bronze rows that carry the loyalty_id, or that carry no loyalty_id and an email whose
-- salted hash the bridge links to the member (their anonymous sessions and unscanned receipts), or no loyalty_id and a
-- key whose silver row the merge resolved to the member (such rows past the raw-email retention); everything keyed by those
-- rows' row_keys goes, on both sides of reconciliation, so the daily counts still balance. Statements run in this order:
-- each finds the member's keys in bronze, so silver and quarantine go first, bronze next, then the silver rows found only
-- by their resolved loyalty_id, the rows merged unresolved with one of the member's email hashes, the bridge last (it
-- holds the member's email hashes). erp_inventory holds no member data.
DELETE FROM retail_silver.cart_events
WHERE event_id IN (
  SELECT
    -- retail:include fragments/cart_events_key.sql
    AS row_key
  FROM retail_bronze.cart_events
  WHERE loyalty_id = '{{loyalty_id}}'
    OR (loyalty_id IS NULL AND email IS NOT NULL
      AND lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(email)))))))
        IN (SELECT email_hash FROM retail_silver.identity_bridge WHERE loyalty_id = '{{loyalty_id}}'))
);

-- order_events holds web purchases (keyed as cart events) and store lines (keyed as POS lines): one statement each.
DELETE FROM retail_silver.order_events
WHERE event_id IN (
  SELECT
    -- retail:include fragments/cart_events_key.sql
    AS row_key
  FROM retail_bronze.cart_events
  WHERE loyalty_id = '{{loyalty_id}}'
    OR (loyalty_id IS NULL AND email IS NOT NULL
      AND lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(email)))))))
        IN (SELECT email_hash FROM retail_silver.identity_bridge WHERE loyalty_id = '{{loyalty_id}}'))
);

DELETE FROM retail_silver.order_events
WHERE event_id IN (
  SELECT
    -- retail:include fragments/pos_transactions_key.sql
    AS row_key
  FROM retail_bronze.pos_transactions
  WHERE loyalty_id = '{{loyalty_id}}'
    OR (loyalty_id IS NULL AND email IS NOT NULL
      AND lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(email)))))))
        IN (SELECT email_hash FROM retail_silver.identity_bridge WHERE loyalty_id = '{{loyalty_id}}'))
);

DELETE FROM retail_silver.loyalty_redemptions
WHERE event_id IN (
  SELECT
    -- retail:include fragments/loyalty_redemptions_key.sql
    AS row_key
  FROM retail_bronze.loyalty_redemptions
  WHERE loyalty_id = '{{loyalty_id}}'
);

DELETE FROM retail_silver.loyalty_tier WHERE loyalty_id = '{{loyalty_id}}';

-- Quarantine, one statement per source table (a stack without a source keeps the others): a refused row is
-- recorded under its row_key, a conflicting duplicate under its event's key (event_id).
DELETE FROM retail_silver.quarantine
WHERE source_table = 'cart_events' AND (row_key IN (SELECT k FROM (
    SELECT
      -- retail:include fragments/cart_events_key.sql
      AS k
    FROM retail_bronze.cart_events
    WHERE loyalty_id = '{{loyalty_id}}'
      OR (loyalty_id IS NULL AND email IS NOT NULL
        AND lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(email)))))))
          IN (SELECT email_hash FROM retail_silver.identity_bridge WHERE loyalty_id = '{{loyalty_id}}'))
      OR (loyalty_id IS NULL AND trim(event_id) IN (
        SELECT event_id FROM retail_silver.cart_events WHERE loyalty_id = '{{loyalty_id}}'
          UNION ALL SELECT event_id FROM retail_silver.order_events WHERE loyalty_id = '{{loyalty_id}}' AND channel IN ('web', 'app')))) AS m)
  OR event_id IN (SELECT k FROM (
    SELECT
      -- retail:include fragments/cart_events_key.sql
      AS k
    FROM retail_bronze.cart_events
    WHERE loyalty_id = '{{loyalty_id}}'
      OR (loyalty_id IS NULL AND email IS NOT NULL
        AND lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(email)))))))
          IN (SELECT email_hash FROM retail_silver.identity_bridge WHERE loyalty_id = '{{loyalty_id}}'))
      OR (loyalty_id IS NULL AND trim(event_id) IN (
        SELECT event_id FROM retail_silver.cart_events WHERE loyalty_id = '{{loyalty_id}}'
          UNION ALL SELECT event_id FROM retail_silver.order_events WHERE loyalty_id = '{{loyalty_id}}' AND channel IN ('web', 'app')))) AS m));

DELETE FROM retail_silver.quarantine
WHERE source_table = 'pos_transactions' AND (row_key IN (SELECT k FROM (
    SELECT
      -- retail:include fragments/pos_transactions_key.sql
      AS k
    FROM retail_bronze.pos_transactions
    WHERE loyalty_id = '{{loyalty_id}}'
      OR (loyalty_id IS NULL AND email IS NOT NULL
        AND lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(email)))))))
          IN (SELECT email_hash FROM retail_silver.identity_bridge WHERE loyalty_id = '{{loyalty_id}}'))
      OR (loyalty_id IS NULL AND trim(event_id) IN (
        SELECT event_id FROM retail_silver.order_events WHERE loyalty_id = '{{loyalty_id}}' AND channel = 'store'))) AS m)
  OR event_id IN (SELECT k FROM (
    SELECT
      -- retail:include fragments/pos_transactions_key.sql
      AS k
    FROM retail_bronze.pos_transactions
    WHERE loyalty_id = '{{loyalty_id}}'
      OR (loyalty_id IS NULL AND email IS NOT NULL
        AND lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(email)))))))
          IN (SELECT email_hash FROM retail_silver.identity_bridge WHERE loyalty_id = '{{loyalty_id}}'))
      OR (loyalty_id IS NULL AND trim(event_id) IN (
        SELECT event_id FROM retail_silver.order_events WHERE loyalty_id = '{{loyalty_id}}' AND channel = 'store'))) AS m));

DELETE FROM retail_silver.quarantine
WHERE source_table = 'loyalty_redemptions' AND (row_key IN (SELECT k FROM (
    SELECT
      -- retail:include fragments/loyalty_redemptions_key.sql
      AS k
    FROM retail_bronze.loyalty_redemptions
    WHERE loyalty_id = '{{loyalty_id}}') AS m)
  OR event_id IN (SELECT k FROM (
    SELECT
      -- retail:include fragments/loyalty_redemptions_key.sql
      AS k
    FROM retail_bronze.loyalty_redemptions
    WHERE loyalty_id = '{{loyalty_id}}') AS m));

DELETE FROM retail_silver.quarantine
WHERE source_table = 'loyalty_tier' AND row_key IN (SELECT k FROM (
    SELECT
      -- retail:include fragments/loyalty_tier_key.sql
      AS k
    FROM retail_bronze.loyalty_tier
    WHERE loyalty_id = '{{loyalty_id}}') AS m);

-- The key index and the duplicates record hold the member's event keys (and a payload digest over their fields):
-- they go too, by the same keys, so no trace of the member's rows is left and the accounting still balances.
DELETE FROM retail_silver.event_keys
WHERE source_table = 'cart_events' AND event_id IN (
  SELECT
    -- retail:include fragments/cart_events_key.sql
    AS row_key
  FROM retail_bronze.cart_events
  WHERE loyalty_id = '{{loyalty_id}}'
    OR (loyalty_id IS NULL AND email IS NOT NULL
      AND lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(email)))))))
        IN (SELECT email_hash FROM retail_silver.identity_bridge WHERE loyalty_id = '{{loyalty_id}}'))
    OR (loyalty_id IS NULL AND trim(event_id) IN (
      SELECT event_id FROM retail_silver.cart_events WHERE loyalty_id = '{{loyalty_id}}'
        UNION ALL SELECT event_id FROM retail_silver.order_events WHERE loyalty_id = '{{loyalty_id}}' AND channel IN ('web', 'app')))
);

DELETE FROM retail_silver.duplicates
WHERE source_table = 'cart_events' AND duplicate_of IN (
  SELECT
    -- retail:include fragments/cart_events_key.sql
    AS row_key
  FROM retail_bronze.cart_events
  WHERE loyalty_id = '{{loyalty_id}}'
    OR (loyalty_id IS NULL AND email IS NOT NULL
      AND lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(email)))))))
        IN (SELECT email_hash FROM retail_silver.identity_bridge WHERE loyalty_id = '{{loyalty_id}}'))
    OR (loyalty_id IS NULL AND trim(event_id) IN (
      SELECT event_id FROM retail_silver.cart_events WHERE loyalty_id = '{{loyalty_id}}'
        UNION ALL SELECT event_id FROM retail_silver.order_events WHERE loyalty_id = '{{loyalty_id}}' AND channel IN ('web', 'app')))
);

DELETE FROM retail_silver.event_keys
WHERE source_table = 'pos_transactions' AND event_id IN (
  SELECT
    -- retail:include fragments/pos_transactions_key.sql
    AS row_key
  FROM retail_bronze.pos_transactions
  WHERE loyalty_id = '{{loyalty_id}}'
    OR (loyalty_id IS NULL AND email IS NOT NULL
      AND lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(email)))))))
        IN (SELECT email_hash FROM retail_silver.identity_bridge WHERE loyalty_id = '{{loyalty_id}}'))
    OR (loyalty_id IS NULL AND trim(event_id) IN (
      SELECT event_id FROM retail_silver.order_events WHERE loyalty_id = '{{loyalty_id}}' AND channel = 'store'))
);

DELETE FROM retail_silver.duplicates
WHERE source_table = 'pos_transactions' AND duplicate_of IN (
  SELECT
    -- retail:include fragments/pos_transactions_key.sql
    AS row_key
  FROM retail_bronze.pos_transactions
  WHERE loyalty_id = '{{loyalty_id}}'
    OR (loyalty_id IS NULL AND email IS NOT NULL
      AND lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(email)))))))
        IN (SELECT email_hash FROM retail_silver.identity_bridge WHERE loyalty_id = '{{loyalty_id}}'))
    OR (loyalty_id IS NULL AND trim(event_id) IN (
      SELECT event_id FROM retail_silver.order_events WHERE loyalty_id = '{{loyalty_id}}' AND channel = 'store'))
);

DELETE FROM retail_silver.event_keys
WHERE source_table = 'loyalty_redemptions' AND event_id IN (
  SELECT
    -- retail:include fragments/loyalty_redemptions_key.sql
    AS row_key
  FROM retail_bronze.loyalty_redemptions
  WHERE loyalty_id = '{{loyalty_id}}'
);

DELETE FROM retail_silver.duplicates
WHERE source_table = 'loyalty_redemptions' AND duplicate_of IN (
  SELECT
    -- retail:include fragments/loyalty_redemptions_key.sql
    AS row_key
  FROM retail_bronze.loyalty_redemptions
  WHERE loyalty_id = '{{loyalty_id}}'
);

DELETE FROM retail_bronze.cart_events
WHERE loyalty_id = '{{loyalty_id}}'
  OR (loyalty_id IS NULL AND email IS NOT NULL
    AND lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(email)))))))
      IN (SELECT email_hash FROM retail_silver.identity_bridge WHERE loyalty_id = '{{loyalty_id}}'))
  OR (loyalty_id IS NULL AND trim(event_id) IN (
    SELECT event_id FROM retail_silver.cart_events WHERE loyalty_id = '{{loyalty_id}}'
      UNION ALL SELECT event_id FROM retail_silver.order_events WHERE loyalty_id = '{{loyalty_id}}' AND channel IN ('web', 'app')));

DELETE FROM retail_bronze.pos_transactions
WHERE loyalty_id = '{{loyalty_id}}'
  OR (loyalty_id IS NULL AND email IS NOT NULL
    AND lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(email)))))))
      IN (SELECT email_hash FROM retail_silver.identity_bridge WHERE loyalty_id = '{{loyalty_id}}'))
  OR (loyalty_id IS NULL AND trim(event_id) IN (
    SELECT event_id FROM retail_silver.order_events WHERE loyalty_id = '{{loyalty_id}}' AND channel = 'store'));

DELETE FROM retail_bronze.loyalty_redemptions WHERE loyalty_id = '{{loyalty_id}}';

DELETE FROM retail_bronze.loyalty_tier WHERE loyalty_id = '{{loyalty_id}}';

-- Last, the member's silver rows by their resolved loyalty_id: an anonymous row whose bronze email the raw-email
-- retention (sql/retention/raw_email.sql) has set to NULL can no longer be found by its email, only through the silver
-- row the merge resolved to the member. The statements above find such rows' keys in these silver rows, so they go
-- after them.
DELETE FROM retail_silver.cart_events WHERE loyalty_id = '{{loyalty_id}}';

DELETE FROM retail_silver.order_events WHERE loyalty_id = '{{loyalty_id}}';

-- The rows merged unresolved that carry one of the member's email hashes (retail_silver.unresolved_identities): their
-- bronze and silver rows went above; the side rows go before the bridge, which is how they are found.
DELETE FROM retail_silver.unresolved_identities
WHERE email_hash IN (SELECT email_hash FROM retail_silver.identity_bridge WHERE loyalty_id = '{{loyalty_id}}');

DELETE FROM retail_silver.identity_bridge WHERE loyalty_id = '{{loyalty_id}}';
