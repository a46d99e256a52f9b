      -- The one bound on how far an event's own time may run ahead of its arrival (bronze received_at) before the row
      -- is refused as future_event_time: producer clocks drift by minutes, an event days ahead is a broken clock.
      -- Every merge and reconciliation that dates a bronze event includes it, so both sides refuse the same rows.
      INTERVAL '15' MINUTE
