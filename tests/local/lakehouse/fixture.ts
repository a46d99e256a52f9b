import { LocalLakehouse } from "../../../local/lakehouse/duckdb";

/**
 * A small fixed day of retail data whose KPIs are computed by hand in the tests. Who is who:
 * - L1 alice: web session S1 logged in, adds to cart, then buys in store with a scan (receipt R1, two lines).
 * - L2 and L3 share the household email home@family.com. S2 is an anonymous web session with that email (the
 *   bridge cannot tell which member it is); L2 buys in store with a scan (R2); R3 is an unscanned receipt with
 *   the household email. S3 is L3's logged-in app session with an online purchase (W3).
 * - L4 dave: anonymous session S4 resolved by his unique email; he buys in store unscanned with a masked email (R4).
 * - L5 erin: anonymous session S5 resolved by email, adds to cart; buys in store unscanned, email spelled
 *   ' ERIN@example.com ' (R5), which the salted hash still resolves after trim/lower.
 * - S6 is a guest who is no loyalty member.
 */
export const FIXTURE_SALT = "fixture-salt-0123456789";
export const DAY = "2026-07-01";
/** When the Glue job landed the day's batch extracts (bronze received_at). */
export const EXTRACT_LANDED = `${DAY} 06:00:00`;

const cart = (
  id: string | null,
  type: string,
  session: string,
  channel: string,
  loyalty: string | null,
  email: string,
  region: string,
  sku: string | null,
  revenue: string | null,
  time: string,
  received: string,
) =>
  `(${q(id)}, ${q(type)}, ${q(session)}, ${q(channel)}, ${q(loyalty)}, ${q(email)}, ${q(region)}, ${q(sku)}, ` +
  `${sku ? 1 : "NULL"}, ${revenue ?? "NULL"}, ${q(time)}, TIMESTAMP '${received}')`;

const pos = (
  id: string | null,
  receipt: string,
  store: string | null,
  region: string,
  loyalty: string | null,
  email: string,
  sku: string,
  revenue: string,
  time: string,
  received: string,
) =>
  `(${q(id)}, ${q(receipt)}, ${q(store)}, ${q(region)}, ${q(loyalty)}, ${q(email)}, ${q(sku)}, 1, ${revenue}, ` +
  `${q(time)}, TIMESTAMP '${received}')`;

function q(v: string | null): string {
  return v === null ? "NULL" : `'${v.replace(/'/g, "''")}'`;
}

const R = "2026-07-01 ";
export const CART_ROWS = [
  cart("c1", "browse", "S1", "web", "L1", "alice@example.com", "north", "A", null, "2026-07-01T09:00:00Z", R + "09:00:05"),
  cart("c2", "add_to_cart", "S1", "web", "L1", "alice@example.com", "north", "A", "10.00", "2026-07-01T09:05:00Z", R + "09:05:05"),
  // A late browse of S1, received the next day: still counts for 2026-07-01.
  cart("c3", "browse", "S1", "web", "L1", "alice@example.com", "north", "B", null, "2026-07-01T09:10:00Z", "2026-07-02 00:30:00"),
  cart("c4", "browse", "S2", "web", null, "home@family.com", "north", "B", null, "2026-07-01T10:00:00Z", R + "10:00:05"),
  cart("c5", "add_to_cart", "S2", "web", null, "home@family.com", "north", "B", "5.00", "2026-07-01T10:01:00Z", R + "10:01:05"),
  cart("c6", "browse", "S3", "app", "L3", "home@family.com", "north", "A", null, "2026-07-01T11:00:00Z", R + "11:00:05"),
  cart("c7", "add_to_cart", "S3", "app", "L3", "home@family.com", "north", "A", "20.00", "2026-07-01T11:01:00Z", R + "11:01:05"),
  cart("c8", "checkout", "S3", "app", "L3", "home@family.com", "north", "A", "20.00", "2026-07-01T11:02:00Z", R + "11:02:05"),
  cart("w3", "purchase", "S3", "app", "L3", "home@family.com", "north", "A", "20.00", "2026-07-01T13:03:00+02:00", R + "11:03:05"),
  // The same purchase delivered twice by Firehose.
  cart("w3", "purchase", "S3", "app", "L3", "home@family.com", "north", "A", "20.00", "2026-07-01T13:03:00+02:00", R + "11:09:00"),
  cart("c9", "browse", "S4", "web", null, "dave@example.com", "south", "A", null, "2026-07-01T12:00:00Z", R + "12:00:05"),
  cart("c10", "browse", "S5", "web", null, "erin@example.com", "south", "C", null, "2026-07-01T13:00:00Z", R + "13:00:05"),
  cart("c11", "add_to_cart", "S5", "web", null, "erin@example.com", "south", "C", "7.50", "2026-07-01T13:01:00Z", R + "13:01:05"),
  cart("c12", "browse", "S6", "web", null, "frank@example.com", "south", "C", null, "2026-07-01T14:00:00Z", R + "14:00:05"),
  // Malformed rows, one per cart quarantine reason.
  cart(null, "browse", "S6", "web", null, "frank@example.com", "south", "C", null, "2026-07-01T14:01:00Z", R + "14:01:05"),
  cart("bad-ts", "browse", "S6", "web", null, "frank@example.com", "south", "C", null, "yesterday", R + "14:02:05"),
  cart("bad-channel", "browse", "S6", "kiosk", null, "frank@example.com", "south", "C", null, "2026-07-01T14:03:00Z", R + "14:03:05"),
  cart("bad-type", "wishlist", "S6", "web", null, "frank@example.com", "south", "C", null, "2026-07-01T14:04:00Z", R + "14:04:05"),
  cart("bad-session", "browse", "", "web", null, "frank@example.com", "south", "C", null, "2026-07-01T14:05:00Z", R + "14:05:05"),
  cart("bad-revenue", "purchase", "S6", "web", null, "frank@example.com", "south", "C", "-7.50", "2026-07-01T14:06:00Z", R + "14:06:05"),
];

export const POS_ROWS = [
  pos("p1a", "R1", "ST001", "north", "L1", "alice@example.com", "A", "10.00", "2026-07-01T17:00:00+02:00", R + "15:00:05"),
  pos("p1b", "R1", "ST001", "north", "L1", "alice@example.com", "B", "5.00", "2026-07-01T17:00:00+02:00", R + "15:00:05"),
  // Re-sent a minute later: deduped on event_id.
  pos("p1a", "R1", "ST001", "north", "L1", "alice@example.com", "A", "10.00", "2026-07-01T17:00:00+02:00", R + "15:01:05"),
  pos("p2", "R2", "ST001", "north", "L2", "home@family.com", "B", "5.00", "2026-07-01T16:00:00Z", R + "16:00:05"),
  pos("p3", "R3", "ST002", "north", null, "home@family.com", "C", "7.50", "2026-07-01T16:30:00Z", R + "16:30:05"),
  pos("p4", "R4", "ST010", "south", null, "d***@example.com", "A", "10.00", "2026-07-01T17:00:00Z", R + "17:00:05"),
  pos("p5", "R5", "ST010", "south", null, " ERIN@example.com ", "C", "7.50", "2026-07-01T18:00:00Z", R + "18:00:05"),
  pos("bad-pos-revenue", "R6", "ST010", "south", null, "x@example.com", "C", "-1.00", "2026-07-01T18:10:00Z", R + "18:10:05"),
  pos("bad-store", "R7", null, "south", null, "x@example.com", "C", "1.00", "2026-07-01T18:20:00Z", R + "18:20:05"),
];

export const LOYALTY_ROWS = [
  `(DATE '${DAY}', 'L1', 'gold', 'alice@example.com', 'north', TIMESTAMP '${EXTRACT_LANDED}')`,
  `(DATE '${DAY}', 'L2', 'member', 'home@family.com', 'north', TIMESTAMP '${EXTRACT_LANDED}')`,
  `(DATE '${DAY}', 'L3', 'silver', 'home@family.com', 'north', TIMESTAMP '${EXTRACT_LANDED}')`,
  `(DATE '${DAY}', 'L4', 'member', 'dave@example.com', 'south', TIMESTAMP '${EXTRACT_LANDED}')`,
  `(DATE '${DAY}', 'L5', 'member', 'erin@example.com', 'south', TIMESTAMP '${EXTRACT_LANDED}')`,
  `(DATE '${DAY}', 'L6', 'diamond', 'zed@example.com', 'south', TIMESTAMP '${EXTRACT_LANDED}')`,
];

export const REDEMPTION_ROWS = [
  `('rd1', 'L1', 'p1a', 'store', 100, '2026-07-01T17:01:00+02:00', TIMESTAMP '${R}15:01:30')`,
  `('rd2', 'L3', 'w3', 'app', 50, '2026-07-01T11:04:00Z', TIMESTAMP '${R}11:04:30')`,
  `('rd-bad', 'L3', 'w3', 'app', 0, '2026-07-01T11:05:00Z', TIMESTAMP '${R}11:05:30')`,
];

export const INVENTORY_ROWS = [
  `(DATE '${DAY}', 'ST001', 'store', 'north', 'A', 3, 10, 8, TIMESTAMP '${EXTRACT_LANDED}')`,
  `(DATE '${DAY}', 'ST010', 'store', 'south', 'A', 4, 5, 5, TIMESTAMP '${EXTRACT_LANDED}')`,
  `(DATE '${DAY}', 'DC1', 'dc', 'north', 'A', 100, 20, 10, TIMESTAMP '${EXTRACT_LANDED}')`,
  `(DATE '${DAY}', 'ST002', 'store', 'north', 'B', -1, 4, 4, TIMESTAMP '${EXTRACT_LANDED}')`,
];

export async function loadFixture(lake: LocalLakehouse): Promise<void> {
  await lake.run(`INSERT INTO retail_bronze.cart_events VALUES ${CART_ROWS.join(",\n")}`);
  await lake.run(`INSERT INTO retail_bronze.pos_transactions VALUES ${POS_ROWS.join(",\n")}`);
  await lake.run(`INSERT INTO retail_bronze.loyalty_tier VALUES ${LOYALTY_ROWS.join(",\n")}`);
  await lake.run(`INSERT INTO retail_bronze.loyalty_redemptions VALUES ${REDEMPTION_ROWS.join(",\n")}`);
  await lake.run(`INSERT INTO retail_bronze.erp_inventory VALUES ${INVENTORY_ROWS.join(",\n")}`);
}

/** The whole fixture in one window: both received days. */
export const FIXTURE_WINDOW = { start: "2026-07-01 00:00:00", end: "2026-07-03 00:00:00" };
