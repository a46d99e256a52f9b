import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expandIncludes, loadSql } from "../../core/sql/files";
import { placeholdersOf, renderSql } from "../../core/sql/render";
import { splitStatements } from "../../core/sql/text";
import { SQL_DIR } from "../../core/paths";
import { loadTableDefs, parseCreateTable } from "../../core/tables";
import { CANARY_EVENT_ID_PREFIX } from "../../core/canary";
import { localProducts } from "../../local/lakehouse/products";

const SALT = "abcdefghijklmnop";
const NAIVE_SQL = path.join(__dirname, "..", "..", "local", "lakehouse", "naive_conversion_rate.sql");

function sqlFiles(dir = SQL_DIR): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? sqlFiles(path.join(dir, e.name)) : e.name.endsWith(".sql") ? [path.relative(SQL_DIR, path.join(dir, e.name))] : [],
    );
}

describe("core/sql renderSql", () => {
  it("substitutes validated placeholders", () => {
    const out = renderSql("SELECT '{{day}}', TIMESTAMP '{{window_start}}'", { day: "2026-07-01", window_start: "2026-07-01 00:00:00" });
    assert.strictEqual(out, "SELECT '2026-07-01', TIMESTAMP '2026-07-01 00:00:00'");
  });

  it("expands include lines with the fragment's text and refuses paths outside sql/, missing files and nested includes", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "sql-include-"));
    try {
      fs.mkdirSync(path.join(root, "fragments"));
      fs.writeFileSync(path.join(root, "fragments", "f.sql"), "  b AS (SELECT 2)\n");
      fs.writeFileSync(path.join(root, "fragments", "nested.sql"), "-- retail:include fragments/f.sql\n");
      assert.strictEqual(
        expandIncludes("WITH a AS (SELECT 1),\n  -- retail:include fragments/f.sql\nSELECT 3", "x.sql", root),
        "WITH a AS (SELECT 1),\n  b AS (SELECT 2)\nSELECT 3",
      );
      assert.throws(() => expandIncludes("-- retail:include ../outside.sql", "x.sql", root), /leaves the sql\/ folder/);
      assert.throws(
        () => expandIncludes("-- retail:include fragments/none.sql", "x.sql", root),
        /x\.sql includes "fragments\/none\.sql", which does not exist/,
      );
      assert.throws(() => expandIncludes("-- retail:include fragments/nested.sql", "x.sql", root), /fragments hold SQL only/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("rejects a malformed day, naming the placeholder, the value and the fix", () => {
    assert.throws(() => renderSql("{{day}}", { day: "2026-7-1" }), /\{\{day\}\} has invalid value "2026-7-1": pass a calendar date as YYYY-MM-DD/);
  });

  it("rejects an impossible calendar date and SQL injection in a day", () => {
    assert.throws(() => renderSql("{{day}}", { day: "2026-02-30" }), /\{\{day\}\} has invalid value/);
    assert.throws(() => renderSql("{{day}}", { day: "2026-07-01' OR '1'='1" }), /\{\{day\}\} has invalid value/);
  });

  it("rejects a window bound that is not 'YYYY-MM-DD HH:MM:SS'", () => {
    assert.throws(
      () => renderSql("{{window_end}}", { window_end: "2026-07-01T00:00:00Z" }),
      /\{\{window_end\}\} has invalid value .*'YYYY-MM-DD HH:MM:SS'/,
    );
  });

  it("has no salt placeholder: the salt is read from its table, never spliced into a statement", () => {
    assert.throws(
      () => renderSql("SELECT '{{email_salt}}'", { email_salt: SALT }),
      /unknown placeholder ("email_salt" in parameters|\{\{email_salt\}\} in SQL)/,
    );
  });

  it("throws on a missing placeholder value", () => {
    assert.throws(() => renderSql("{{day}}", {}), /missing value for placeholder \{\{day\}\}/);
  });

  it("throws on an unknown placeholder in the SQL or in the parameters", () => {
    assert.throws(() => renderSql("{{region}}", {}), /unknown placeholder \{\{region\}\} in SQL/);
    assert.throws(() => renderSql("SELECT 1", { region: "north" }), /unknown placeholder "region" in parameters/);
  });
});

describe("core/sql loadSql and splitStatements", () => {
  it("loads a file under sql/ and refuses paths that leave it", () => {
    assert.match(loadSql("silver/order_events.sql"), /CREATE TABLE IF NOT EXISTS retail_silver\.order_events/);
    assert.throws(() => loadSql("../package.json"), /leaves the sql\/ folder/);
  });

  it("splits at a semicolon ending a line and drops comment-only chunks", () => {
    const parts = splitStatements("-- header\nSELECT 1;\nSELECT ';x' AS s;\n-- trailing comment\n");
    assert.deepStrictEqual(parts, ["-- header\nSELECT 1", "SELECT ';x' AS s"]);
  });

  it("ends nothing at a ';' closing a comment or inside a literal, and keeps a comment after the terminator", () => {
    const sql =
      "-- header ending in a semicolon;\nMERGE INTO t\n  -- a note inside the statement;\nUSING s ON a = b;\nSELECT '--;', 'it''s;' AS x; -- done;\n";
    assert.deepStrictEqual(splitStatements(sql), [
      "-- header ending in a semicolon;\nMERGE INTO t\n  -- a note inside the statement;\nUSING s ON a = b",
      "SELECT '--;', 'it''s;' AS x -- done;",
    ]);
  });
});

describe("sql/ files honour the contracts", () => {
  const files = sqlFiles();

  it("use only known placeholders", () => {
    const known = new Set([
      "day",
      "window_start",
      "window_end",
      "since",
      "loyalty_id",
      "cutoff",
      "horizon_start",
      "reresolve_from",
      "reresolve_to",
      "product",
    ]);
    for (const f of files) for (const p of placeholdersOf(loadSql(f))) assert.ok(known.has(p), `${f} uses {{${p}}}`);
  });

  it("parse as table DDL through core/tables.ts, order_events with exactly the seed's columns", () => {
    const defs = loadTableDefs();
    const order = defs.get("retail_silver.order_events")!;
    assert.deepStrictEqual(
      order.columns.map((c) => `${c.name} ${c.sqlType}`),
      ["event_id string", "channel string", "loyalty_id string", "sku string", "event_ts timestamp", "revenue decimal(12,2)"],
    );
    assert.deepStrictEqual(order.partitionBy, [{ column: "event_ts", transform: "day" }]);
    for (const t of ["erp_inventory", "loyalty_tier", "loyalty_redemptions", "cart_events", "identity_bridge", "quarantine"]) {
      assert.ok(defs.has(`retail_silver.${t}`), `retail_silver.${t}`);
    }
  });

  it("mark every table holding emails or their hashes as PII, and only those, with the roles that process it", () => {
    const defs = [...loadTableDefs().values()];
    // Quarantine keeps refused rows; the key index and the duplicates record keep unsalted digests over every field,
    // the raw email included (an email can be tried against them).
    const digests = ["quarantine", "event_keys", "duplicates"];
    const personal = defs.filter((t) => t.columns.some((c) => /^email(_hash)?$/.test(c.name)) || digests.includes(t.name));
    assert.deepStrictEqual(
      defs.filter((t) => t.piiReaders).map((t) => `${t.namespace}.${t.name}`),
      personal.map((t) => `${t.namespace}.${t.name}`),
    );
    assert.deepStrictEqual(defs.find((t) => t.name === "identity_bridge")!.piiReaders, ["ops-merge", "ops-freshness", "ops-erase"]);
    assert.throws(
      () => parseCreateTable("-- retail:table semantics=snapshot pii=Ops_Merge\nCREATE TABLE retail_silver.dim (id string);", "dim.sql"),
      /dim.sql: header pii="Ops_Merge" must list role-name parts \(lowercase words joined by "-"\), comma-separated/,
    );
  });

  it("has both gold variants of every KPI, each a CREATE OR REPLACE VIEW retail_gold.<kpi> exposing day", () => {
    for (const variant of ["omnichannel", "store-only"]) {
      for (const kpi of ["conversion_rate", "cart_abandonment", "sku_velocity", "loyalty_redemption_rate", "inventory_fill_rate"]) {
        const sql = loadSql(`gold/${variant}/${kpi}.sql`);
        assert.match(sql, new RegExp(`CREATE OR REPLACE VIEW retail_gold\\.${kpi} AS`));
        assert.match(sql, /\bAS day\b/);
      }
    }
  });

  it("keeps the store-only rollback and the gold views free of the bridge and of raw emails", () => {
    const code = (f: string) => loadSql(f).replace(/--[^\n]*/g, "");
    for (const f of files.filter((x) => x.startsWith("gold/store-only/"))) {
      assert.doesNotMatch(code(f), /identity_bridge|loyalty_id\s*=/, f);
    }
    for (const f of files.filter((x) => x.startsWith("gold/"))) assert.doesNotMatch(code(f), /\bemail\b/, f);
  });

  it("leave the freshness canary out of every gold view and staleness read of a table the canary reaches", () => {
    // The canary's rows land in the silver tables its streams merge into; each read of them there filters the prefix.
    const canaryTables = /FROM retail_silver\.(cart_events|order_events)\b(?:\s+AS\s+(\w+))?\s*\n?\s*WHERE ([^\n]*)/g;
    const reads = files.filter((f) => f.startsWith("gold/") || f.startsWith("freshness/"));
    let checked = 0;
    for (const f of reads) {
      const code = loadSql(f).replace(/[ \t]*--[^\n]*\n/g, "");
      const all = [...code.matchAll(/FROM retail_silver\.(cart_events|order_events)\b/g)].length;
      const filtered = [...code.matchAll(canaryTables)].filter(([, , alias, where]) =>
        where.includes(`NOT starts_with(${alias ? `${alias}.` : ""}event_id, '${CANARY_EVENT_ID_PREFIX}')`),
      ).length;
      assert.strictEqual(
        filtered,
        all,
        `${f}: ${all - filtered} read(s) of a canary table without NOT starts_with(event_id, '${CANARY_EVENT_ID_PREFIX}')`,
      );
      checked += all;
    }
    assert.ok(checked >= 10, `only ${checked} reads found`);
  });

  it("never read the generator's hidden truth", () => {
    for (const f of files) assert.doesNotMatch(loadSql(f), /\btruth\b|\bpid\b|person/i, f);
  });

  it("stay cheap at scale: try() wraps only the timestamp parse, the merges dedupe by GROUP BY, not a sort per row", () => {
    // A failing row inside try() makes DuckDB re-evaluate the whole expression row by row; 1M events measured
    // 2.2 s with the zone conversion inside try() against 0.2 s with it outside. row_number() over every bronze
    // row of a window cost 1.9 s of a 2.3 s merge at 1M; GROUP BY row_key with min_by is a hash aggregate.
    for (const f of files.filter((x) => x.startsWith("merge/") || x.startsWith("reconcile/"))) {
      const sql = loadSql(f).replace(/--[^\n]*/g, "");
      assert.doesNotMatch(sql, /try\(CAST\(from_iso8601_timestamp/, f);
      // The duplicates record ranks only its candidates (refused rows, keys that arrived twice, re-sends), not the window.
      if (/^merge\/(cart_events|pos_transactions)\.sql$/.test(f))
        for (const st of splitStatements(sql).filter((x) => !/^MERGE INTO retail_silver\.duplicates /m.test(x)))
          assert.doesNotMatch(st, /row_number\(\)/, f);
    }
  });

  it("call from_iso8601_timestamp only inside try(), the one place the DuckDB macro's try_cast means the same as Trino", () => {
    // Outside try() Trino fails the query on a malformed timestamp where the macro would return NULL.
    const sources = [...files.map((f) => [f, loadSql(f)]), ["naive", fs.readFileSync(NAIVE_SQL, "utf8")]];
    let calls = 0;
    for (const [f, text] of sources) {
      const sql = text.replace(/--[^\n]*/g, "");
      const all = sql.match(/from_iso8601_timestamp\(/g) ?? [];
      const wrapped = sql.match(/\btry\(from_iso8601_timestamp\(/g) ?? [];
      assert.strictEqual(wrapped.length, all.length, `${f}: from_iso8601_timestamp outside try()`);
      calls += all.length;
    }
    assert.ok(calls >= 10, `expected the merges, reconciliations and naive query to parse timestamps, found ${calls} calls`);
  });

  it("state the loyalty resolution rule once: every statement writing loyalty_id gets it from the one fragment", () => {
    const rule = fs.readFileSync(path.join(SQL_DIR, "fragments", "resolve_loyalty.sql"), "utf8").trimEnd();
    const writers = ["merge/cart_events.sql", "merge/pos_transactions.sql"].flatMap((f) =>
      splitStatements(loadSql(f)).filter((st) => /resolved_loyalty_id/.test(st)),
    );
    assert.strictEqual(writers.length, 3, "cart_events, order_events from carts and order_events from POS");
    for (const st of writers) assert.ok(st.includes(rule), st.slice(0, 80));
    // The re-resolution applies the very rule the merges use: the resolving emails come from the one fragment, and the
    // side rows carry the hash the merges computed (fragments/email_hash.sql).
    const resolving = fs.readFileSync(path.join(SQL_DIR, "fragments", "resolving_emails.sql"), "utf8").trimEnd();
    const hashing = fs.readFileSync(path.join(SQL_DIR, "fragments", "email_hash.sql"), "utf8").trimEnd();
    for (const st of writers) assert.ok(st.includes(resolving) && st.includes(hashing), st.slice(0, 80));
    const reresolve = ["reresolve/pending.sql", "reresolve/cart_events.sql", "reresolve/order_events.sql", "reresolve/unresolved_identities.sql"];
    const readers = reresolve.flatMap((f) => splitStatements(loadSql(f))).filter((st) => /identity_bridge/.test(st));
    assert.strictEqual(readers.length, 4, "pending, the two silver updates and the cleanup");
    for (const st of readers) assert.ok(st.includes(resolving), st.slice(0, 80));
    const recorders = ["unresolved/cart_events.sql", "unresolved/pos_transactions.sql"].flatMap((f) =>
      splitStatements(loadSql(f)).filter((st) => /^MERGE INTO retail_silver\.unresolved_identities/m.test(st)),
    );
    assert.strictEqual(recorders.length, 2);
    for (const st of recorders) assert.ok(st.includes(hashing), st.slice(0, 80));
    for (const f of files.filter((x) => !x.startsWith("fragments/"))) {
      assert.doesNotMatch(fs.readFileSync(path.join(SQL_DIR, f), "utf8"), /HAVING count\(DISTINCT loyalty_id\) = 1/, `${f} restates the rule`);
    }
  });

  it("rank batch and redemption rows once: the silver and the quarantine MERGE of a file read one fragment", () => {
    for (const t of ["erp_inventory", "loyalty_tier", "loyalty_redemptions"]) {
      const fragment = fs.readFileSync(path.join(SQL_DIR, "fragments", `${t}_ranked.sql`), "utf8").trimEnd();
      assert.strictEqual(fragment.match(/END AS reason/g)?.length, 1, `${t}: one validity rule`);
      const [silver, quarantine, ...rest] = splitStatements(loadSql(`merge/${t}.sql`));
      // Then the key index (redemptions) and the duplicates record, which place the copies these two did not keep.
      assert.deepStrictEqual(
        rest.map((st) => /^MERGE INTO (\S+) /m.exec(st)?.[1]),
        t === "loyalty_redemptions" ? ["retail_silver.event_keys", "retail_silver.duplicates"] : ["retail_silver.duplicates"],
        `${t}: statements after silver and quarantine`,
      );
      for (const st of rest) assert.ok(st.includes(fragment), `${t}: a statement without the fragment`);
      assert.match(silver, new RegExp(`^MERGE INTO retail_silver\\.${t} `, "m"));
      assert.match(quarantine, /^MERGE INTO retail_silver\.quarantine /m);
      for (const st of [silver, quarantine]) assert.ok(st.includes(fragment), `${t}: a statement without the fragment`);
      // Each keeps one side of the same rule: valid rows to silver, refused rows to quarantine.
      assert.match(silver, /WHERE arrival = 1 AND reason IS NULL\n/);
      assert.match(quarantine, /WHERE arrival = 1 AND reason IS NOT NULL\n/);
      assert.doesNotMatch(fs.readFileSync(path.join(SQL_DIR, "merge", `${t}.sql`), "utf8"), /END AS reason/, `${t}.sql restates the rule`);
    }
  });

  it("compute each table's row_key in one fragment, read by its merge and its reconciliation, hex-encoding every field", () => {
    const users: Record<string, string[]> = {
      cart_events: ["merge/cart_events.sql", "reconcile/cart_events.sql", "reconcile/order_events.sql"],
      pos_transactions: ["merge/pos_transactions.sql", "reconcile/order_events.sql"],
      loyalty_redemptions: ["merge/loyalty_redemptions.sql", "reconcile/loyalty_redemptions.sql"],
      erp_inventory: ["merge/erp_inventory.sql", "reconcile/erp_inventory.sql"],
      loyalty_tier: ["merge/loyalty_tier.sql", "reconcile/loyalty_tier.sql"],
    };
    for (const [t, readers] of Object.entries(users)) {
      const key = fs.readFileSync(path.join(SQL_DIR, "fragments", `${t}_key.sql`), "utf8").replace(/--[^\n]*/g, "");
      // A bare coalesce(x, '') makes NULL and '' one value, and a raw '|' join lets fields shift into each other.
      assert.doesNotMatch(key, /coalesce\([^()]*, ''\)/, `${t}: a field folded into ''`);
      for (const f of readers)
        assert.match(
          fs.readFileSync(path.join(SQL_DIR, f), "utf8"),
          new RegExp(`-- retail:include fragments/${t}_key\\.sql\\n\\s*AS row_key`),
          `${f}`,
        );
    }
    for (const f of files.filter((x) => /^(merge|reconcile)\//.test(x))) {
      // The other digests are tagged with what they name: a conflicting duplicate's quarantine key (the event's key and
      // its payload) and a bronze copy in the duplicates record (key, payload and arrival).
      const text = fs.readFileSync(path.join(SQL_DIR, f), "utf8").replace(/sha256\(to_utf8\(concat_ws\('\|', '(conflicting_duplicate|copy)'/g, "");
      assert.doesNotMatch(text, /sha256|concat_ws\('\|', CAST\(snapshot_date/, `${f} hashes a row_key of its own`);
    }
  });

  it("write the clock-skew bound once, included wherever a bronze event is dated", () => {
    const bound = fs
      .readFileSync(path.join(SQL_DIR, "fragments", "max_clock_skew.sql"), "utf8")
      .replace(/--[^\n]*/g, "")
      .trim();
    assert.match(bound, /^INTERVAL '\d+' MINUTE$/);
    for (const f of files.filter((x) => x !== "fragments/max_clock_skew.sql")) {
      assert.doesNotMatch(fs.readFileSync(path.join(SQL_DIR, f), "utf8"), /INTERVAL '\d+' MINUTE/, `${f} restates the bound`);
    }
    const readers = ["merge/cart_events.sql", "merge/pos_transactions.sql", "merge/loyalty_redemptions.sql"];
    for (const f of [...readers, "reconcile/cart_events.sql", "reconcile/order_events.sql", "reconcile/loyalty_redemptions.sql"]) {
      // The canary record dates nothing: it copies silver's event_ts of rows the statements above already judged.
      for (const st of splitStatements(loadSql(f)).filter((s) => !/^MERGE INTO retail_silver\.canary_arrivals /m.test(s)))
        assert.ok(st.includes(bound), `${f}: a statement without the bound`);
    }
  });

  it("prune bronze on received_at in every merge and both sides on the day in every reconciliation", () => {
    // Every event product's merge and accounting line (local/lakehouse/products.ts reads them from the DDL headers).
    const events = localProducts().filter((p) => p.semantics === "event");
    const snapshots = localProducts().filter((p) => p.semantics === "snapshot");
    for (const f of events.map((p) => `merge/${p.name}.sql`)) {
      for (const s of splitStatements(loadSql(f))) assert.match(s, /received_at >= TIMESTAMP '\{\{window_start\}\}'/, f);
    }
    const accounting = loadSql("reconcile/accounting.sql");
    assert.strictEqual(
      accounting.match(
        /WHERE \(received_at >= TIMESTAMP '\{\{day\}\} 00:00:00' AND received_at < TIMESTAMP '\{\{day\}\} 00:00:00' \+ INTERVAL '1' DAY\)/g,
      )?.length,
      events.length,
    );
    assert.strictEqual(accounting.match(/snapshot_date = DATE '\{\{day\}\}'/g)?.length, 2 * snapshots.length);
    for (const f of files.filter((x) => x.startsWith("reconcile/") && x !== "reconcile/accounting.sql")) {
      const sql = loadSql(f);
      assert.match(sql, /source_rows/);
      assert.match(sql, /silver_rows/);
      assert.match(sql, /(CAST\(event_ts AS date\)|snapshot_date) = DATE '\{\{day\}\}'/, f);
    }
  });
});
