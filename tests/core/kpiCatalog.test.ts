import * as assert from "assert";
import * as fs from "fs";
import {
  CATALOG_COLUMNS,
  KpiCatalogError,
  effectiveImportMode,
  loadKpiCatalog,
  parseKpiCatalog,
  referencedNamespaces,
  viewStatement,
} from "../../core/kpiCatalog";
import { goldSqlFixture } from "../support/config";

const TEAMS = ["Merchandising", "E-commerce", "Inventory", "Marketing", "Supply chain"];
const HEADER = CATALOG_COLUMNS.join(",");
const GOOD =
  "cart_abandonment,Share of carts abandoned per day,retail_gold.cart_abandonment,SPICE,false,15min,E-commerce,true,30000,day,cart_events,22,2";

function problems(rows: string[], goldSqlDir: string): string[] {
  try {
    parseKpiCatalog([HEADER, ...rows].join("\n") + "\n", { file: "core/catalog/test.csv", goldSqlDir, ownerTeams: TEAMS });
  } catch (e) {
    assert.ok(e instanceof KpiCatalogError, String(e));
    return [...e.problems];
  }
  assert.fail("expected the catalog to be rejected");
}

describe("KPI catalog", () => {
  const sqlDir = goldSqlFixture(["cart_abandonment", "conversion_rate"]);
  fs.rmSync(`${sqlDir}/store-only/conversion_rate.sql`);

  it("parses the repository's catalog against sql/gold: the five seed KPIs with the seed's modes and owners, and campaign_roas", () => {
    const kpis = loadKpiCatalog({ ownerTeams: TEAMS });
    assert.deepStrictEqual(
      kpis.map((k) => [k.kpi, k.importMode, k.refresh?.interval ?? "none", k.ownerTeam]),
      [
        ["conversion_rate", "SPICE", "HOURLY", "Merchandising"],
        ["cart_abandonment", "SPICE", "MINUTE15", "E-commerce"],
        ["sku_velocity", "DIRECT_QUERY", "none", "Inventory"],
        ["loyalty_redemption_rate", "SPICE", "DAILY", "Marketing"],
        ["inventory_fill_rate", "DIRECT_QUERY", "none", "Supply chain"],
        ["campaign_roas", "SPICE", "HOURLY", "Marketing"],
      ],
    );
    for (const k of kpis) {
      assert.match(k.viewSql.omnichannel, new RegExp(`VIEW retail_gold\\.${k.view} AS`));
      assert.match(k.viewSql["store-only"], new RegExp(`VIEW retail_gold\\.${k.view} AS`));
      assert.notStrictEqual(k.viewSql.omnichannel, k.viewSql["store-only"], `${k.kpi}: the rollback variant must differ`);
    }
    assert.deepStrictEqual(referencedNamespaces(kpis.flatMap((k) => Object.values(k.viewSql))), ["retail_silver"]);
  });

  it("reports every bad row with file, line, column and fix", () => {
    const got = problems(
      [
        GOOD,
        "conversion_rate,Orders over sessions per day,retail_gold.conversion_rate,SPICY,true,hourly,Merchandising,true,30000,day,cart_events,90,2",
        "sku_velocity,Units per SKU per day and channel,retail_gold.sku_velocity,DIRECT_QUERY,true,none,Inventory,true,60000000,day,pos_transactions,30,none",
        "loyalty_rate,Redemptions over loyalty orders,retail_gold.cart_abandonment,SPICE,true,every now and then,Marketing,false,4000,day,loyalty_redemptions,2880,2",
        "fill_rate,Units shipped over units ordered,retail_gold.cart_abandonment,DIRECT_QUERY,true,none,,false,30000,day,erp_inventory,2880,none",
        "cart_abandonment,Share of carts abandoned per day,retail_gold.cart_abandonment,SPICE,maybe,15min,Ecommerce,yes,30k,day,cart_events,22,2",
        "returns_rate,Returned units over sold units,retail_gold.cart_abandonment,DIRECT_QUERY,true,hourly,Merchandising,false,500,return_day,,0,none",
        "conversion_rate,Orders over sessions per day,retail_gold.conversion_rate,SPICE,true,hourly,Merchandising,true,30000,day,cart_events,90,2",
        "too,few,fields",
      ],
      sqlDir,
    );
    const expected = [
      'core/catalog/test.csv:3, column 4 (import_mode): "SPICY" is not an import mode. Fix: use SPICE or DIRECT_QUERY.',
      "core/catalog/test.csv:3, column 3 (view): retail_gold.conversion_rate is not defined by",
      "core/catalog/test.csv:4, column 3 (view): retail_gold.sku_velocity is not defined by",
      'core/catalog/test.csv:5, column 6 (refresh_cadence): "every now and then" is not a SPICE refresh cadence. Fix: use one of 15min, 30min, hourly, daily.',
      "core/catalog/test.csv:6, column 7 (owner_team): missing. Fix: name the team that owns the KPI, as spelled in retail:quicksight.ownerGroups.",
      'core/catalog/test.csv:7, column 1 (kpi): "cart_abandonment" is already defined on line 2. Fix: keep one row per KPI.',
      'core/catalog/test.csv:7, column 5 (spill_to_direct_query): "maybe" is not true or false.',
      'core/catalog/test.csv:7, column 7 (owner_team): "Ecommerce" has no QuickSight group in retail:quicksight.ownerGroups. Fix: use one of Merchandising, E-commerce, Inventory, Marketing, Supply chain',
      'core/catalog/test.csv:7, column 8 (steward_approved): "yes" is not true or false.',
      'core/catalog/test.csv:7, column 9 (expected_rows): "30k" is not a positive whole number.',
      'core/catalog/test.csv:8, column 6 (refresh_cadence): "hourly" on a DIRECT_QUERY KPI, which reads the view live and is never refreshed. Fix: write none, or make it SPICE.',
      'core/catalog/test.csv:8, column 10 (event_time_column): "return_day" does not appear in retail_gold.cart_abandonment.',
      'core/catalog/test.csv:8, column 11 (source_products): "" is not a ;-separated list of data product names.',
      'core/catalog/test.csv:8, column 12 (freshness_target_minutes): "0" is not a positive whole number of minutes.',
      "core/catalog/test.csv:10: 3 fields, the header has 13. Fix: quote fields that contain commas; fill every column.",
    ];
    for (const e of expected)
      assert.ok(
        got.some((p) => p.startsWith(e)),
        `missing problem:\n  ${e}\nin:\n  ${got.join("\n  ")}`,
      );
    assert.ok(got.some((p) => p.includes("store-only/conversion_rate.sql") && p.includes("every view needs its omnichannel and store-only variant")));
    assert.ok(!got.some((p) => p.includes(":2,")), "the good row on line 2 is not reported");
    assert.ok(got.some((p) => p.startsWith('core/catalog/test.csv:9, column 1 (kpi): "conversion_rate" is already defined on line 3.')));
  });

  it("reports a row's problems in column order, each cell's own before the rules across cells", () => {
    assert.deepEqual(problems(["Bad-Name,short,gold.x,SPICE,true,weekly,Ecommerce,true,30000,Day,cart_events,22,2"], sqlDir), [
      'core/catalog/test.csv:2, column 1 (kpi): "Bad-Name" is not a lowercase name. Fix: use letters, digits and underscores, e.g. conversion_rate.',
      "core/catalog/test.csv:2, column 2 (definition): missing or too short to tell analysts what the number means. Fix: write the definition the steward approved.",
      'core/catalog/test.csv:2, column 3 (view): "gold.x" is not a view in retail_gold. Fix: write it as retail_gold.<view>.',
      'core/catalog/test.csv:2, column 6 (refresh_cadence): "weekly" is not a SPICE refresh cadence. Fix: use one of 15min, 30min, hourly, daily.',
      'core/catalog/test.csv:2, column 7 (owner_team): "Ecommerce" has no QuickSight group in retail:quicksight.ownerGroups. Fix: use one of Merchandising, E-commerce, Inventory, Marketing, Supply chain, or map the team to its group in the stack config.',
      'core/catalog/test.csv:2, column 10 (event_time_column): "Day" is not a column name. Fix: name the view\'s date column, usually day.',
    ]);
  });

  it("requires a refresh window of 1..400 days on SPICE rows, at least the incremental lookback, and refuses one on DIRECT_QUERY rows", () => {
    const row = (mode: string, cadence: string, window: string) =>
      `cart_abandonment,Share of carts abandoned per day,retail_gold.cart_abandonment,${mode},false,${cadence},E-commerce,true,30000,day,cart_events,22,${window}`;
    const at = "core/catalog/test.csv:2, column 13 (refresh_window_days): ";
    assert.deepEqual(problems([row("SPICE", "hourly", "")], sqlDir), [
      `${at}missing on a SPICE KPI, so every full refresh would scan every day of silver the view reads. Fix: give the days its dashboard shows, 1 to 400, small enough that a refresh stays under the owner workgroup's bytes-scanned cutoff.`,
    ]);
    assert.deepEqual(problems([row("SPICE", "hourly", "none")], sqlDir), [problems([row("SPICE", "hourly", "")], sqlDir)[0]]);
    assert.deepEqual(problems([row("SPICE", "hourly", "0")], sqlDir), [`${at}0 days is outside 1 to 400. Fix: give a window of 1 to 400 days.`]);
    assert.deepEqual(problems([row("SPICE", "hourly", "401")], sqlDir), [`${at}401 days is outside 1 to 400. Fix: give a window of 1 to 400 days.`]);
    assert.deepEqual(problems([row("SPICE", "hourly", "30d")], sqlDir), [
      `${at}"30d" is not a whole number of days. Fix: give the days a SPICE refresh reads, digits only, e.g. 2; write none for DIRECT_QUERY.`,
    ]);
    assert.deepEqual(problems([row("SPICE", "15min", "1")], sqlDir), [
      `${at}1 days is shorter than the 2-day lookback of its 15min incremental refresh. Fix: give at least 2 days, or use an hourly or daily full refresh.`,
    ]);
    assert.deepEqual(problems([row("DIRECT_QUERY", "none", "30")], sqlDir), [
      `${at}"30" on a DIRECT_QUERY KPI, which is never refreshed (the dashboard's filters bound its queries). Fix: leave it empty or write none, or make it SPICE.`,
    ]);
    const parse = (r: string) => parseKpiCatalog(`${HEADER}\n${r}\n`, { file: "c.csv", goldSqlDir: sqlDir })[0].refreshWindowDays;
    assert.strictEqual(parse(row("SPICE", "hourly", "1")), 1);
    assert.strictEqual(parse(row("SPICE", "hourly", "400")), 400);
    assert.strictEqual(parse(row("SPICE", "15min", "2")), 2);
    assert.strictEqual(parse(row("DIRECT_QUERY", "none", "")), undefined);
    assert.strictEqual(parse(row("DIRECT_QUERY", "none", "none")), undefined);
  });

  it("requires the event-time column in both channel variants: the window filters on it whichever is deployed", () => {
    const dir = goldSqlFixture(["cart_abandonment"]);
    fs.writeFileSync(
      `${dir}/store-only/cart_abandonment.sql`,
      "CREATE OR REPLACE VIEW retail_gold.cart_abandonment AS\nSELECT CAST(event_ts AS date) AS event_day, count(*) AS n FROM retail_silver.cart_events GROUP BY 1;\n",
    );
    const row =
      "cart_abandonment,Share of carts abandoned per day,retail_gold.cart_abandonment,SPICE,false,15min,E-commerce,true,30000,day,cart_events,22,2";
    assert.deepEqual(problems([row], dir), [
      'core/catalog/test.csv:2, column 10 (event_time_column): "day" does not appear in retail_gold.cart_abandonment (store-only variant). Fix: name a date column the view selects, usually day.',
    ]);
  });

  it("rejects a header that lacks or misspells a column, naming both", () => {
    const header = HEADER.replace("owner_team", "owner");
    assert.throws(
      () => parseKpiCatalog(`${header}\n`, { file: "c.csv", goldSqlDir: sqlDir }),
      (e: KpiCatalogError) => e.problems[0] === `c.csv:1: header lacks owner_team and has unknown owner. Fix: use exactly ${HEADER}.`,
    );
  });

  it("settles the import mode at the SPICE cap: spill when allowed, an error naming the KPI when pinned, never truncation", () => {
    const kpi = { kpi: "cart_abandonment", importMode: "SPICE" as const, spillToDirectQuery: true, expectedRows: 10_000_001, source: "c.csv:2" };
    assert.strictEqual(effectiveImportMode({ ...kpi, expectedRows: 10_000_000 }, 10_000_000), "SPICE");
    assert.strictEqual(effectiveImportMode(kpi, 10_000_000), "DIRECT_QUERY");
    assert.throws(
      () => effectiveImportMode({ ...kpi, spillToDirectQuery: false }, 10_000_000),
      /c\.csv:2: KPI "cart_abandonment" expects 10000001 rows, above the SPICE cap of 10000000, and spill_to_direct_query is false\. Fix:/,
    );
  });

  it("hands Athena one bare statement: header comments and the trailing semicolon dropped", () => {
    const stmt = viewStatement(fs.readFileSync(`${sqlDir}/omnichannel/cart_abandonment.sql`, "utf8"));
    assert.ok(stmt.startsWith("CREATE OR REPLACE VIEW retail_gold.cart_abandonment AS"));
    assert.ok(!stmt.endsWith(";"));
  });
});
