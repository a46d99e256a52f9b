  -- Included by every statement of merge/campaign_attribution.sql: each reads these checked and ranked rows, so a row
  -- is valid or refused by one rule, and the first-ranked copy of each row_key goes to exactly one of silver and
  -- quarantine. The including statement defines typed: the window's bronze rows with event_ts parsed, latest_event_ts
  -- (received_at plus fragments/max_clock_skew.sql) and their row_key (fragments/campaign_attribution_key.sql, which
  -- reconciliation counts too). A click must carry what it cost; a conversion, the order line it credits.
  checked AS (
    SELECT
      typed.*,
      CASE
        WHEN received_at IS NULL THEN 'missing_received_at'
        WHEN event_id IS NULL OR trim(event_id) = '' THEN 'missing_event_id'
        WHEN ad_platform IS NULL OR trim(ad_platform) = '' THEN 'missing_ad_platform'
        WHEN event_ts IS NULL THEN 'unparseable_timestamp'
        WHEN event_ts > latest_event_ts THEN 'future_event_time'
        WHEN touch_type IS NULL OR touch_type NOT IN ('click', 'conversion') THEN 'unknown_touch_type'
        WHEN campaign_id IS NULL OR trim(campaign_id) = '' THEN 'missing_campaign_id'
        WHEN channel IS NULL OR channel NOT IN ('web', 'app', 'store') THEN 'unknown_channel'
        WHEN touch_type = 'click' AND (cost IS NULL OR cost < 0) THEN 'invalid_cost'
        WHEN touch_type = 'conversion' AND (order_event_id IS NULL OR trim(order_event_id) = '') THEN 'missing_order_event_id'
        WHEN event_ts < TIMESTAMP '{{window_start}}' - INTERVAL '3' DAY THEN 'older_than_merge_horizon'
      END AS reason
    FROM typed
  ),
  ranked AS (
    SELECT
      checked.*,
      -- Copies tied on arrival (a batch run stamps one received_at) are ordered by their fields, so every statement of
      -- the merge ranks the same copy first (a window function's order among ties is not fixed across queries).
      row_number() OVER (PARTITION BY row_key ORDER BY CASE WHEN reason IS NULL THEN 0 ELSE 1 END, received_at,
        event_time, campaign_id, touch_type, channel, order_event_id, cost, ad_platform, event_id) AS arrival
    FROM checked
  )
