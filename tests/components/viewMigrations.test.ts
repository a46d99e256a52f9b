import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { byType } from "../../local/harness";
import { diffView, AthenaViewOutputs } from "../../components/athenaViewDdl";
import { formatViewSources, viewSources } from "../../components/gold/catalog";
import { loadTableDefs, parseCreateTable } from "../../core/tables";
import { loadSchemaLedger, planMigrations } from "../../core/schemaLedger";
import { loadKpiCatalog, viewStatement } from "../../core/kpiCatalog";
import { runStack } from "../support/stacks";

/** The repository's table versions, with one DDL changed as a later commit would change it. */
function versionsWith(change?: { table: string; sql: (ddl: string) => string }): Record<string, number> {
  const defs = [...loadTableDefs().values()].map((d) => {
    if (!change || `${d.namespace}.${d.name}` !== change.table) return d;
    const file = path.join(__dirname, "..", "..", d.source);
    return parseCreateTable(change.sql(fs.readFileSync(file, "utf8")), d.source);
  });
  return Object.fromEntries(planMigrations(defs, loadSchemaLedger()).map((p) => [p.table, p.version]));
}

const VIEW: AthenaViewOutputs = {
  viewName: "sku_velocity",
  database: "retail_gold",
  statement: "CREATE OR REPLACE VIEW retail_gold.sku_velocity AS SELECT 1",
  workGroup: "wg",
  region: "us-east-1",
  sourceVersions: "retail_silver.order_events@1",
  queryExecutionId: "q-1",
};

describe("gold views follow the migrations of the tables they read", () => {
  it("re-run their CREATE OR REPLACE in place when a source table's version moves, never replace", () => {
    assert.deepStrictEqual(diffView(VIEW, { ...VIEW, sourceVersions: "retail_silver.order_events@2" }), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.strictEqual(diffView(VIEW, { ...VIEW }).changes, false);
  });

  it("name the new version of a table an additive change migrates, and only in the views that read it", () => {
    const before = versionsWith();
    const after = versionsWith({
      table: "retail_silver.order_events",
      sql: (ddl) => ddl.replace(/\n\)\nPARTITIONED BY/, ",\n  store_id string\n)\nPARTITIONED BY"),
    });
    assert.strictEqual(after["retail_silver.order_events"], before["retail_silver.order_events"] + 1, "the DDL change is a migration");
    const kpis = loadKpiCatalog();
    const moved = kpis
      .filter((k) => {
        const statement = viewStatement(k.viewSql.omnichannel);
        return formatViewSources(viewSources(statement, before)) !== formatViewSources(viewSources(statement, after));
      })
      .map((k) => k.kpi)
      .sort();
    assert.deepStrictEqual(
      moved,
      ["campaign_roas", "cart_abandonment", "conversion_rate", "loyalty_redemption_rate", "sku_velocity"],
      "every view reading order_events, no other",
    );
  });

  it("wait for those tables' TableMigration resources in the prod program, and carry their versions", async () => {
    const prod = await runStack("prod");
    const migrations = new Map(byType(prod, "pulumi-nodejs:dynamic/retail:TableMigration").map((m) => [m.inputs.table, m]));
    const versions = Object.fromEntries([...migrations].map(([t, m]) => [t, m.inputs.version]));
    const views = byType(prod, "pulumi-nodejs:dynamic/retail:AthenaView");
    assert.ok(views.length >= 6);
    for (const v of views) {
      const sources = viewSources(v.inputs.statement, versions);
      assert.ok(sources.length > 0, `${v.name} reads a versioned table`);
      assert.strictEqual(v.inputs.sourceVersions, formatViewSources(sources), v.name);
      for (const s of sources) assert.ok(v.dependencies.includes(migrations.get(s.table)!.urn), `${v.name} waits for ${s.table}'s migration`);
    }
  });
});
