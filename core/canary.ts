/**
 * The freshness canary's marked events: one valid bronze row per stream product, carrying the round's send time,
 * with an event_id no real source emits. The gold views, the staleness SQL and bridge coverage leave rows with this
 * prefix out (sql/fragments/not_canary.sql spells it for SQL; tests/sql checks the two agree), so no KPI counts one,
 * while bronze, silver, reconciliation and the accounting count it like any other row.
 */
export const CANARY_EVENT_ID_PREFIX = "canary-";

/** A bronze row as Firehose maps a JSON record to the table's columns. */
export type BronzeRecord = Readonly<Record<string, string | number | null>>;

/** `canary-<product>-<send time, ms since epoch>`: one id per product and round, ordered by send time. */
export function canaryEventId(product: string, sentAt: Date): string {
  return `${CANARY_EVENT_ID_PREFIX}${product}-${sentAt.getTime()}`;
}

/**
 * Firehose writes Iceberg timestamp columns from microseconds since the epoch
 * (docs.aws.amazon.com/firehose/latest/dev/apache-iceberg-destination-supp.html); event_time stays ISO-8601 text,
 * as the sources send it.
 */
const micros = (d: Date) => d.getTime() * 1000;

/**
 * Each stream product's canary row: valid under its merge's rule (sql/fragments/<product>_reason.sql), so it
 * travels the real path into silver. A purchase, so it reaches order_events too; no loyalty_id and no email, so it
 * resolves to nobody and never touches identity_bridge; revenue 0.
 */
const ROWS: Readonly<Record<string, (eventId: string, sentAt: Date) => BronzeRecord>> = {
  cart_events: (eventId, sentAt) => ({
    event_id: eventId,
    event_type: "purchase",
    session_id: eventId,
    channel: "web",
    loyalty_id: null,
    email: null,
    region: "canary",
    sku: "canary",
    quantity: 1,
    revenue: 0,
    event_time: sentAt.toISOString(),
    received_at: micros(sentAt),
  }),
  pos_transactions: (eventId, sentAt) => ({
    event_id: eventId,
    receipt_id: eventId,
    store_id: "canary",
    region: "canary",
    loyalty_id: null,
    email: null,
    sku: "canary",
    quantity: 1,
    revenue: 0,
    event_time: sentAt.toISOString(),
    received_at: micros(sentAt),
  }),
};

/** Stream products the canary knows a valid row for. */
export const CANARY_PRODUCTS: readonly string[] = Object.keys(ROWS).sort();

export class CanaryError extends Error {}

/** The canary row of one product and round; throws for a stream product without a canary row. */
export function canaryRecord(product: string, sentAt: Date): BronzeRecord {
  const row = ROWS[product];
  if (!row) {
    throw new CanaryError(
      `canary: stream product "${product}" has no canary row. Fix: add one to core/canary.ts (a valid bronze row of sql/bronze/${product}.sql), or set retail:canary.enabled to false.`,
    );
  }
  return row(canaryEventId(product, sentAt), sentAt);
}
