import { strict as assert } from "assert";
import { TAG } from "../../core/tags";
import { catalogPackConfig } from "../../local/packConfig";
import { icebergEventTablesPartitionedByDay } from "../../policy/rules/partition";
import { Case, runPolicy, tagList } from "./harness";

const TYPE = "aws-native:s3tables:Table";
// The table definitions `npm run policy:config` writes from sql/: order_events is an event table, loyalty_tier a snapshot.
const CONFIG = catalogPackConfig()["iceberg-event-tables-partitioned-by-day"];
const schema = [
  { id: 1, name: "event_id", type: "string", required: false },
  { id: 2, name: "sku", type: "string", required: false },
  { id: 3, name: "event_ts", type: "timestamp", required: false },
];
type Spec = { name: string; sourceId: number; transform: string }[] | undefined;
const table = (partition: Spec, tags: Record<string, string> = {}, fq = "retail_silver.order_events", fields: object[] = schema): Case => {
  const [namespace, tableName] = fq.split(".");
  return {
    type: TYPE,
    name: "lake-table",
    config: CONFIG,
    props: {
      namespace,
      tableName,
      openTableFormat: "ICEBERG",
      tableBucketArn: "arn:aws:s3tables:us-east-1:123456789012:bucket/lake-tables",
      icebergMetadata: { icebergSchema: { schemaFieldList: fields }, ...(partition ? { icebergPartitionSpec: { fields: partition } } : {}) },
      tags: tagList(tags),
    },
  };
};
const day: Spec = [{ name: "event_ts_day", sourceId: 3, transform: "day" }];
const month: Spec = [{ name: "event_ts_month", sourceId: 3, transform: "month" }];
const FIX =
  'Fix: Set icebergMetadata.icebergPartitionSpec.fields to [{name: "event_ts_day", sourceId: 3, transform: "day"}] (this replaces the table: migrate its data first).';
const OTHER_TEAM = "clicks.click_events";
const run = (c: Case) => runPolicy(icebergEventTablesPartitionedByDay, c);

describe("policy: event tables partitioned by day(event time), by the platform's definitions", () => {
  it("Compliance: the platform's event table on day(event_ts)", async () => {
    assert.deepEqual((await run(table(day))).violations, []);
  });

  it("Compliance: the platform's snapshot table, partitioned as defined, is exempt", async () => {
    const fields = [...schema, { id: 4, name: "snapshot_date", type: "date" }];
    const out = await run(table([{ name: "snapshot_date", sourceId: 4, transform: "identity" }], {}, "retail_silver.loyalty_tier", fields));
    assert.deepEqual(out.violations, []);
    assert.ok(
      out.notApplicable.includes("snapshot table in the platform's definitions (sql/silver/loyalty_tier.sql)"),
      JSON.stringify(out.notApplicable),
    );
  });

  it("Compliance: another team's table on day() of its timestamp column, untagged; one with no timestamp column is not an event table", async () => {
    assert.deepEqual((await run(table(day, {}, OTHER_TEAM))).violations, []);
    const lookup = await run(table(undefined, {}, "ref.stores", schema.slice(0, 2)));
    assert.deepEqual(lookup.violations, []);
    assert.ok(lookup.notApplicable.includes("no timestamp column: its schema has no event time to partition by"));
  });

  it("Noncompliance 1: the platform's event table on month(event_ts)", async () => {
    assert.deepEqual((await run(table(month))).violations, [
      'Iceberg table "retail_silver.order_events" (lake-table) is partitioned by month(event_ts); it is an event table in the platform\'s definitions (sql/silver/order_events.sql), ' +
        `and an event table must be partitioned by day(event_ts) so KPI queries prune to the days they read. ${FIX}`,
    ]);
  });

  it("Noncompliance 2: identity(event_ts), day() of another column, not partitioned", async () => {
    assert.match(
      (await run(table([{ name: "event_ts", sourceId: 3, transform: "identity" }]))).violations[0],
      /is partitioned by identity\(event_ts\); it is an event table/,
    );
    assert.match((await run(table([{ name: "sku", sourceId: 2, transform: "day" }]))).violations[0], /is partitioned by day\(sku\); /);
    assert.match((await run(table(undefined))).violations[0], /\(lake-table\) is not partitioned; /);
  });

  it("Noncompliance 3: a table that calls itself a snapshot is not exempt (its own tag is not read)", async () => {
    for (const fq of ["retail_silver.order_events", OTHER_TEAM]) {
      const out = await run(table(month, { [TAG.semantics]: "snapshot" }, fq));
      assert.equal(out.violations.length, 1, fq);
    }
    assert.match(
      (await run(table(month, { [TAG.semantics]: "snapshot" }, OTHER_TEAM))).violations[0],
      /held to the event-table rule whatever its own tags say/,
    );
  });

  it("Noncompliance 4: an untagged month-partitioned table of another team", async () => {
    const [v] = (await run(table(month, {}, OTHER_TEAM))).violations;
    assert.match(
      v,
      /^Iceberg table "clicks\.click_events" \(lake-table\) is partitioned by month\(event_ts\); it is not a snapshot table in the platform's definitions/,
    );
    assert.match(v, /A snapshot table is exempt only once the platform lists it/);
  });

  it("Noncompliance 5: a table named like a platform snapshot but partitioned otherwise", async () => {
    const [v] = (await run(table(month, {}, "retail_silver.loyalty_tier"))).violations;
    assert.match(
      v,
      /is a snapshot table in the platform's definitions \(sql\/silver\/loyalty_tier\.sql\), partitioned by identity\(snapshot_date\), but is partitioned by month\(event_ts\)/,
    );
  });

  it("Noncompliance 6: the event-time tag of another team's table names a column the schema lacks", async () => {
    const [v] = (await run(table(day, { [TAG.eventTimeColumn]: "ts" }, OTHER_TEAM))).violations;
    assert.match(v, /with event-time column "ts", but its schema has no column "ts"\. Fix: add "ts"/);
  });

  it("Noncompliance 7: without a pack config every table with a timestamp column is held to the event rule", async () => {
    assert.equal((await run({ ...table(month, { [TAG.semantics]: "snapshot" }, "retail_silver.loyalty_tier"), config: {} })).violations.length, 1);
  });

  it("Noncompliance 8: a classic aws.s3tables.Table with a timestamp column cannot be partitioned; a defined unpartitioned snapshot is exempt", async () => {
    const classic = (namespace: string, name: string): Case => ({
      type: "aws:s3tables/table:Table",
      name: "events",
      config: CONFIG,
      props: { namespace, name, format: "ICEBERG", metadata: { iceberg: { schema: { fields: [{ name: "event_ts", type: "timestamp" }] } } } },
    });
    const [v] = (await run(classic("clicks", "click_events"))).violations;
    assert.match(
      v,
      /^Iceberg table "clicks\.click_events" \(events\) is declared with aws\.s3tables\.Table, which cannot declare a partition spec; /,
    );
    assert.match(v, /Declare it with aws-native s3tables\.Table, which takes icebergPartitionSpec\./);
    assert.deepEqual((await run(classic("retail_silver", "identity_bridge"))).violations, []);
  });
});
