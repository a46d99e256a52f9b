import { strict as assert } from "assert";
import { TAG } from "../../core/tags";
import { icebergEventTablesPartitionedByDay } from "../../policy/rules/partition";
import { runPolicy, tagList } from "./harness";

const TYPE = "aws-native:s3tables:Table";
const schema = [
  { id: 1, name: "event_id", type: "string", required: false },
  { id: 2, name: "sku", type: "string", required: false },
  { id: 3, name: "event_ts", type: "timestamp", required: false },
];
const table = (partition: { name: string; sourceId: number; transform: string }[] | undefined, tags: Record<string, string> = {}) => ({
  type: TYPE,
  name: "lake-retail_silver-order_events",
  props: {
    namespace: "retail_silver",
    tableName: "order_events",
    openTableFormat: "ICEBERG",
    tableBucketArn: "arn:aws:s3tables:us-east-1:123456789012:bucket/lake-tables",
    icebergMetadata: {
      icebergSchema: { schemaFieldList: schema },
      ...(partition ? { icebergPartitionSpec: { fields: partition } } : {}),
    },
    tags: tagList({ [TAG.semantics]: "event", [TAG.eventTimeColumn]: "event_ts", ...tags }),
  },
});
const FIX =
  'Fix: set icebergMetadata.icebergPartitionSpec.fields to [{name: "event_ts_day", sourceId: 3, transform: "day"}] (this replaces the table: migrate its data first).';

describe("policy: event tables partitioned by day(event time)", () => {
  it("Compliance: day(event_ts)", async () => {
    assert.deepEqual(
      (await runPolicy(icebergEventTablesPartitionedByDay, table([{ name: "event_ts_day", sourceId: 3, transform: "day" }]))).violations,
      [],
    );
  });

  it("Noncompliance 1: month(event_ts)", async () => {
    const out = await runPolicy(icebergEventTablesPartitionedByDay, table([{ name: "event_ts_month", sourceId: 3, transform: "month" }]));
    assert.deepEqual(out.violations, [
      'Iceberg table "retail_silver.order_events" (lake-retail_silver-order_events) is partitioned by month(event_ts); ' +
        `an event table must be partitioned by day(event_ts) so KPI queries prune to the days they read. ${FIX}`,
    ]);
  });

  it("Noncompliance 2: identity(event_ts)", async () => {
    const out = await runPolicy(icebergEventTablesPartitionedByDay, table([{ name: "event_ts", sourceId: 3, transform: "identity" }]));
    assert.match(out.violations[0], /is partitioned by identity\(event_ts\); an event table must be partitioned by day\(event_ts\)/);
  });

  it("Noncompliance 3: day() of another column", async () => {
    const out = await runPolicy(icebergEventTablesPartitionedByDay, table([{ name: "sku", sourceId: 2, transform: "identity" }]));
    assert.match(out.violations[0], /is partitioned by identity\(sku\);/);
  });

  it("Noncompliance 4: not partitioned", async () => {
    const out = await runPolicy(icebergEventTablesPartitionedByDay, table(undefined));
    assert.match(out.violations[0], /\(lake-retail_silver-order_events\) is not partitioned; /);
  });

  it("Noncompliance 5: the event-time tag names a column the schema lacks", async () => {
    const out = await runPolicy(icebergEventTablesPartitionedByDay, table([], { [TAG.eventTimeColumn]: "ts" }));
    assert.deepEqual(out.violations, [
      'Iceberg table "retail_silver.order_events" (lake-retail_silver-order_events) declares retail:event-time-column = "ts" but its schema has no column "ts" with an id. ' +
        'Fix: add "ts" (timestamp, with a field id) to icebergMetadata.icebergSchema, or correct the tag.',
    ]);
  });

  it("exempts snapshot tables and tables without an event-time column", async () => {
    const snapshot = await runPolicy(icebergEventTablesPartitionedByDay, table(undefined, { [TAG.semantics]: "snapshot" }));
    assert.deepEqual(snapshot.violations, []);
    assert.ok(snapshot.notApplicable.includes("snapshot tables are read whole"));
    const plain = table(undefined);
    plain.props.tags = tagList({ [TAG.semantics]: "event" });
    assert.deepEqual((await runPolicy(icebergEventTablesPartitionedByDay, plain)).violations, []);
  });

  it("Noncompliance 6: a classic aws.s3tables.Table event table cannot be partitioned", async () => {
    const out = await runPolicy(icebergEventTablesPartitionedByDay, {
      type: "aws:s3tables/table:Table",
      name: "events",
      props: { namespace: "retail_bronze", name: "cart_events", format: "ICEBERG", tags: { [TAG.eventTimeColumn]: "event_ts" } },
    });
    assert.match(
      out.violations[0],
      /^Iceberg table "retail_bronze.cart_events" \(events\) is an event table .* Fix: declare it with aws-native s3tables.Table/,
    );
  });
});
