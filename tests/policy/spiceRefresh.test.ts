import { strict as assert } from "assert";
import { TAG } from "../../core/tags";
import { AnalyzedResource, PackConfig, PolicyPackProcess, startPolicyPack } from "../../local/analyzer";
import { POLICY_DIR } from "../../local/plan";
import { catalogPackConfig } from "../../local/packConfig";

/*
 * spice-refresh-within-cutoff through the pack's own analyzeStack path, on hand-built stacks: prod's cart_events
 * stream (8,000 rec/s of 1 KiB: 2,000 sustained × 1,024 B × 86,400 s × 0.2 columnar = 35,389,440,000 B a day) and one
 * SPICE dataset on a data source whose workgroup sets the cutoff. Equal to the cutoff is a violation.
 */

const POLICY = "spice-refresh-within-cutoff";
const PER_DAY = 35_389_440_000;
const urn = (type: string, name: string) => `urn:pulumi:prod::retail-analytics::${type}::${name}`;
function res(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<AnalyzedResource> = {}): AnalyzedResource {
  return { type, name, urn: urn(type, name), inputs, ...extra };
}

const stream = res("aws:kinesis/stream:Stream", "carts", {
  shardCount: 8,
  tags: { [TAG.dataProduct]: "cart_events", [TAG.peakRecordsPerSecond]: "8000", [TAG.avgRecordBytes]: "1024" },
});
const workgroup = (cutoff: number) =>
  res("aws:athena/workgroup:Workgroup", "merch", {
    name: "merch",
    configuration: { enforceWorkgroupConfiguration: true, bytesScannedCutoffPerQuery: cutoff },
  });
const source = res("aws:quicksight/dataSource:DataSource", "merch-source", {
  dataSourceId: "merch-source",
  type: "ATHENA",
  parameters: { athena: { workGroup: "merch" } },
});
const ARN = "arn:aws:quicksight:us-east-1:123456789012:datasource/merch-source";
const windowSql = (days: number) => `SELECT * FROM retail_gold.carts WHERE day > current_date - INTERVAL '${days}' DAY`;
const dataset = (sql: string, kpi = "carts", extra: Partial<AnalyzedResource> = {}, arn: string | undefined = ARN) =>
  res(
    "aws:quicksight/dataSet:DataSet",
    "carts-dataset",
    {
      importMode: "SPICE",
      dataSetId: "carts",
      physicalTableMaps: [{ physicalTableMapId: "gold-view", customSql: { ...(arn ? { dataSourceArn: arn } : {}), name: "carts", sqlQuery: sql } }],
      tags: { [TAG.kpi]: kpi, [TAG.expectedRows]: "30000", [TAG.eventTimeColumn]: "day" },
    },
    extra,
  );

const CONFIG: PackConfig = { ...catalogPackConfig(), [POLICY]: { kpiSourceProducts: { carts: ["cart_events"] } } };
let pack: Promise<PolicyPackProcess> | undefined;
async function violations(resources: AnalyzedResource[], config: PackConfig = CONFIG) {
  const served = await (pack ??= startPolicyPack(POLICY_DIR));
  await served.configure(config);
  return (await served.analyzeStack(resources)).filter((d) => d.policy === POLICY);
}

describe("policy (stack): spice-refresh-within-cutoff", () => {
  it("Compliance: 2 days × 32.96 GiB/day stays below a 100 GiB cutoff; DIRECT_QUERY and datasets off any workgroup are not held to it", async () => {
    assert.deepEqual(await violations([stream, workgroup(100 * 1024 ** 3), source, dataset(windowSql(2))]), []);
    const direct = res("aws:quicksight/dataSet:DataSet", "live", {
      importMode: "DIRECT_QUERY",
      physicalTableMaps: [{ customSql: { dataSourceArn: ARN, sqlQuery: "SELECT 1" } }],
    });
    assert.deepEqual(await violations([stream, workgroup(100 * 1024 ** 3), source, direct]), []);
    assert.deepEqual(await violations([stream, dataset("SELECT * FROM retail_gold.carts")]), []);
  });

  it("Noncompliance 1: an estimate equal to the cutoff is a violation; one byte below is not", async () => {
    const [v] = await violations([stream, workgroup(3 * PER_DAY), source, dataset(windowSql(3))]);
    assert.equal(v.enforcementLevel, "mandatory");
    assert.equal(v.urn, dataset(windowSql(3)).urn);
    assert.equal(
      v.message,
      'QuickSight dataset "carts-dataset" (KPI carts) refreshes 3 days of retail_gold.carts: about 98.88 GiB a full refresh ' +
        "(3 days × 32.96 GiB/day of cart_events at the declared stream volume), at or above the 98.88 GiB bytes-scanned cutoff of " +
        'Athena workgroup "merch", which would cancel the refresh. Fix: shorten refresh_window_days to at most 2, import it as DIRECT_QUERY, ' +
        "or point it at a gold aggregate table instead of a view over silver.",
    );
    assert.deepEqual(await violations([stream, workgroup(3 * PER_DAY + 1), source, dataset(windowSql(3))]), []);
  });

  it("Noncompliance 4: a bound on another column than the dataset's event-time column is a violation, whatever its window", async () => {
    const other = dataset(windowSql(2).replace("WHERE day >", "WHERE last_seen_day >"));
    const found = await violations([stream, workgroup(100 * 1024 ** 3), source, other]);
    assert.equal(found.length, 1);
    assert.match(found[0].message, /bounds its refresh on last_seen_day, not on its event-time column \(retail:event-time-column = "day"\)/);
    const untagged = dataset(windowSql(2), "carts", {});
    untagged.inputs.tags = { [TAG.kpi]: "carts", [TAG.expectedRows]: "30000" };
    assert.match((await violations([stream, workgroup(100 * 1024 ** 3), source, untagged]))[0]?.message ?? "", /retail:event-time-column = null/);
  });

  it("Noncompliance 2: SQL with no window the pack can read (no bound, an OR that undoes it, a fixed date) is a violation", async () => {
    for (const sql of [
      "SELECT * FROM retail_gold.carts",
      `${windowSql(2)} OR true`,
      "SELECT * FROM retail_gold.carts WHERE day > DATE '2020-01-01'",
    ]) {
      const [v] = await violations([stream, workgroup(100 * 1024 ** 3), source, dataset(sql)]);
      assert.ok(v, sql);
      assert.equal(
        v.message,
        `QuickSight dataset "carts-dataset" (KPI carts) imports ${JSON.stringify(sql)} into SPICE with no refresh window the pack can read, ` +
          'so each full refresh scans every day its SQL reads, against the 100.00 GiB bytes-scanned cutoff of Athena workgroup "merch". ' +
          "Fix: write its SQL as SELECT * FROM <database>.<view> WHERE <day column> > current_date - INTERVAL '<days>' DAY (refresh_window_days in the KPI catalog), or import it as DIRECT_QUERY.",
      );
    }
  });

  it("Noncompliance 3: a dataset the catalog does not know is taken to read every streamed product; its data source found by dependency when its ARN is unknown", async () => {
    const pos = res("aws:kinesis/stream:Stream", "pos", {
      tags: { [TAG.dataProduct]: "pos_transactions", [TAG.peakRecordsPerSecond]: "1500", [TAG.avgRecordBytes]: "768" },
    });
    // 2 days × (35,389,440,000 + 4,976,640,000) B = 80,732,160,000 B: over a 75 GiB cutoff only when pos counts too.
    const cutoff = workgroup(75 * 1024 ** 3);
    assert.deepEqual(await violations([stream, pos, cutoff, source, dataset(windowSql(2))]), []);
    const byDependency = dataset(windowSql(2), "someone_elses", { propertyDependencies: { physicalTableMaps: [source.urn] } }, undefined);
    const [v] = await violations([stream, pos, cutoff, source, byDependency]);
    assert.match(
      v.message,
      /^QuickSight dataset "carts-dataset" \(KPI someone_elses\) refreshes 2 days .* about 75\.19 GiB .* of cart_events, pos_transactions .* at most 1,/,
    );
  });
});
