import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { byType, ProgramRun, runProgram } from "../../local/harness";
import { GLUE_SCRIPT } from "../../components/batchLane";
import { CONTRACT_VERSION } from "../../core/contract";
import { named, policyDoc, REPO, runStack, runWith, stackConfig } from "../support/stacks";

const STREAM = "aws:kinesis/stream:Stream";
const FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream";
const TABLE = "aws-native:s3tables:Table";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

function actions(s: { Action: string | string[] }): string[] {
  return Array.isArray(s.Action) ? s.Action : [s.Action];
}
function resources(s: { Resource: string | string[] }): string[] {
  return Array.isArray(s.Resource) ? s.Resource : [s.Resource];
}
/** The committed stack's data products, as the program reads them. */
function dataProducts(stack: "dev" | "prod"): Array<Record<string, any>> {
  return JSON.parse(stackConfig(stack)["retail:dataProducts"]);
}
const BATCH_PRODUCTS = ["erp_inventory", "loyalty_redemptions", "loyalty_tier"];

describe("the program under mocks", function () {
  let dev: ProgramRun;
  let prod: ProgramRun;
  before(async () => {
    [dev, prod] = await Promise.all([runStack("dev"), runStack("prod")]);
  });

  describe("IcebergNamespace", () => {
    it("creates a KMS-encrypted table bucket with unreferenced-file removal", () => {
      const [bucket] = byType(prod, "aws:s3tables/tableBucket:TableBucket");
      assert.equal(bucket.inputs.encryptionConfiguration.sseAlgorithm, "aws:kms");
      assert.match(bucket.inputs.encryptionConfiguration.kmsKeyArn, /^arn:aws:kms:/);
      assert.deepEqual(bucket.inputs.maintenanceConfiguration.icebergUnreferencedFileRemoval, {
        status: "enabled",
        settings: { unreferencedDays: 3, nonCurrentDays: 10 },
      });
    });

    it("creates the bronze, silver and gold namespaces", () => {
      assert.deepEqual(
        byType(prod, "aws:s3tables/namespace:Namespace")
          .map((n) => n.inputs.namespace)
          .sort(),
        ["retail_bronze", "retail_gold", "retail_silver"],
      );
    });

    it("gives order_events exactly the seed's schema, partitioned by day(event_ts)", () => {
      const t = named(prod, TABLE, "retail-prod-retail_silver-order_events");
      assert.equal(t.inputs.openTableFormat, "ICEBERG");
      assert.deepEqual(
        t.inputs.icebergMetadata.icebergSchema.schemaFieldList.map((f: any) => [f.id, f.name, f.type]),
        [
          [1, "event_id", "string"],
          [2, "channel", "string"],
          [3, "loyalty_id", "string"],
          [4, "sku", "string"],
          [5, "event_ts", "timestamp"],
          [6, "revenue", "decimal(12,2)"],
        ],
      );
      assert.deepEqual(t.inputs.icebergMetadata.icebergPartitionSpec.fields, [
        { fieldId: 1000, name: "event_ts_day", sourceId: 5, transform: "day" },
      ]);
      assert.deepEqual(t.inputs.compaction, { status: "enabled", targetFileSizeMb: 512 });
      assert.equal(t.inputs.snapshotManagement.maxSnapshotAgeHours, 120);
    });

    it("has identity_bridge keyed on loyalty_id with email_hash, and a quarantine table, in silver", () => {
      const bridge = named(prod, TABLE, "retail-prod-retail_silver-identity_bridge");
      assert.deepEqual(
        bridge.inputs.icebergMetadata.icebergSchema.schemaFieldList.map((f: any) => f.name),
        ["loyalty_id", "email_hash", "first_seen", "last_seen", "source"],
      );
      const q = named(prod, TABLE, "retail-prod-retail_silver-quarantine");
      assert.ok(q.inputs.icebergMetadata.icebergSchema.schemaFieldList.some((f: any) => f.name === "reason"));
    });

    it("has one bronze table per data product, streamed or batch, with lowercase columns only", () => {
      for (const run of [dev, prod]) {
        const bronze = byType(run, TABLE).filter((t) => t.inputs.namespace === "retail_bronze");
        assert.deepEqual(
          bronze.map((t) => t.inputs.tableName).sort(),
          dataProducts(run.stack as "dev" | "prod")
            .map((p) => p.name)
            .sort(),
          run.stack,
        );
      }
      for (const t of byType(prod, TABLE)) {
        for (const f of t.inputs.icebergMetadata.icebergSchema.schemaFieldList) assert.equal(f.name, f.name.toLowerCase());
      }
    });

    it("tags every table with its event-time column and semantics, for the policy pack", () => {
      const t = named(prod, TABLE, "retail-prod-retail_silver-order_events");
      const tags = Object.fromEntries(t.inputs.tags.map((x: any) => [x.key, x.value]));
      assert.equal(tags["retail:event-time-column"], "event_ts");
      assert.equal(tags["retail:semantics"], "event");
    });
  });

  describe("StreamingLane", () => {
    it("sizes prod cart events at 8 shards for the 8,000/s Black Friday peak, with KMS and retention", () => {
      const s = named(prod, STREAM, "retail-prod-cart-events-stream");
      assert.equal(s.inputs.shardCount, 8);
      assert.equal(s.inputs.streamModeDetails.streamMode, "PROVISIONED");
      assert.equal(s.inputs.encryptionType, "KMS");
      assert.equal(s.inputs.retentionPeriod, 168);
      assert.equal(s.inputs.tags["retail:peak-records-per-second"], "8000");
      assert.equal(named(dev, STREAM, "retail-dev-cart-events-stream").inputs.shardCount, 1);
    });

    it("wires Firehose to read its own stream and write its own bronze table in the S3 Tables catalog", () => {
      const cartStream = named(prod, STREAM, "retail-prod-cart-events-stream");
      const f = named(prod, FIREHOSE, "retail-prod-cart-events-delivery");
      assert.equal(f.inputs.destination, "iceberg");
      assert.equal(f.inputs.kinesisSourceConfiguration.kinesisStreamArn, cartStream.state.arn);
      assert.equal(f.inputs.icebergConfiguration.catalogArn, "arn:aws:glue:us-east-1:123456789012:catalog/s3tablescatalog/retail-prod-tables");
      assert.deepEqual(
        f.inputs.icebergConfiguration.destinationTableConfigurations.map((d: any) => [d.databaseName, d.tableName]),
        [["retail_bronze", "cart_events"]],
      );
      assert.equal(f.inputs.icebergConfiguration.bufferingInterval, 60);
      assert.match(f.inputs.icebergConfiguration.s3Configuration.bucketArn, /^arn:aws:s3:::retail-prod-cart-events-errors/);
    });

    it("gives the Firehose role exact ARNs: its stream, the catalog, its namespace and its table", () => {
      const doc = policyDoc(named(prod, ROLE_POLICY, "retail-prod-cart-events-firehose"));
      const bySid = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
      assert.deepEqual(resources(bySid.ReadSourceStream), ["arn:aws:kinesis:us-east-1:123456789012:stream/retail-prod-cart-events-stream-mock"]);
      assert.deepEqual(resources(bySid.IcebergCatalog), [
        "arn:aws:glue:us-east-1:123456789012:catalog",
        "arn:aws:glue:us-east-1:123456789012:catalog/s3tablescatalog",
        "arn:aws:glue:us-east-1:123456789012:catalog/s3tablescatalog/retail-prod-tables",
        "arn:aws:glue:us-east-1:123456789012:database/s3tablescatalog/retail-prod-tables/retail_bronze",
        "arn:aws:glue:us-east-1:123456789012:table/s3tablescatalog/retail-prod-tables/retail_bronze/cart_events",
      ]);
      assert.ok(
        resources(bySid.WriteBronzeTable).includes(
          "arn:aws:s3tables:us-east-1:123456789012:bucket/retail-prod-tables/table/retail_bronze.cart_events",
        ),
      );
      assert.ok(!resources(bySid.WriteBronzeTable).some((r) => r.includes("pos_transactions")), "a lane's role must not reach another lane's table");
    });

    it("grants Lake Formation DESCRIBE on the namespace and ALL on its one table (Firehose's Iceberg destination needs it), catalog id nested", () => {
      const db = named(prod, "aws:lakeformation/permissions:Permissions", "retail-prod-cart-events-namespace");
      assert.deepEqual(db.inputs.permissions, ["DESCRIBE"]);
      assert.deepEqual(db.inputs.database, { catalogId: "123456789012:s3tablescatalog/retail-prod-tables", name: "retail_bronze" });
      assert.equal(db.inputs.catalogId, undefined, "a top-level catalogId of this form is rejected by Lake Formation");
      const t = named(prod, "aws:lakeformation/permissions:Permissions", "retail-prod-cart-events-table");
      assert.deepEqual(t.inputs.permissions, ["ALL"]);
      assert.equal(t.inputs.table.name, "cart_events");
    });

    it("alarms on iterator age, write throttling and delivery freshness against the freshness need", () => {
      const alarms = byType(prod, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.name.startsWith("retail-prod-cart-events-"));
      const byMetric = Object.fromEntries(alarms.map((a) => [a.inputs.metricName, a.inputs]));
      assert.equal(byMetric["GetRecords.IteratorAgeMilliseconds"].threshold, 150_000);
      assert.equal(byMetric["WriteProvisionedThroughputExceeded"].threshold, 0);
      assert.equal(byMetric["DeliveryToIceberg.DataFreshness"].threshold, 300);
      for (const a of alarms) assert.equal(a.inputs.alarmActions[0], prod.outputs.alarmTopicArn);
    });
  });

  describe("the platform key", () => {
    it("lets S3 Tables maintenance (without it S3 Tables refuses to create a KMS table) and CloudWatch Logs use it, scoped to this account", () => {
      const policy = JSON.parse(named(prod, "aws:kms/key:Key", "retail-prod-key").inputs.policy);
      const bySid = Object.fromEntries(policy.Statement.map((s: { Sid: string }) => [s.Sid, s]));
      assert.deepEqual(Object.keys(bySid), ["AccountAdministers", "AlarmPublishers", "S3TablesMaintenance", "EncryptedLogGroups"]);
      assert.deepEqual(bySid.S3TablesMaintenance.Principal, { Service: "maintenance.s3tables.amazonaws.com" });
      assert.deepEqual(bySid.S3TablesMaintenance.Action, ["kms:GenerateDataKey", "kms:Decrypt"]);
      assert.deepEqual(bySid.S3TablesMaintenance.Condition, {
        StringLike: { "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3tables:us-east-1:123456789012:bucket/*" },
      });
      assert.deepEqual(bySid.EncryptedLogGroups.Principal, { Service: "logs.us-east-1.amazonaws.com" });
      assert.deepEqual(bySid.EncryptedLogGroups.Condition, {
        ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:*" },
      });
    });

    it("encrypts every log group the platform creates (handler and delivery logs quote tables and records)", () => {
      for (const run of [dev, prod]) {
        const key = named(run, "aws:kms/key:Key", `retail-${run.stack}-key`).state.arn;
        const groups = byType(run, "aws:cloudwatch/logGroup:LogGroup");
        assert.ok(groups.length >= 6, `${run.stack}: ${groups.length} log groups`);
        for (const g of groups) assert.equal(g.inputs.kmsKeyId, key, `${run.stack} ${g.name}`);
      }
    });
  });

  describe("BatchLane", () => {
    it("runs Glue 5.0 with Iceberg and the S3 Tables REST catalog passed as --conf", () => {
      const job = named(prod, "aws:glue/job:Job", "retail-prod-erp-inventory-job");
      assert.equal(job.inputs.glueVersion, "5.0");
      assert.equal(job.inputs.defaultArguments["--datalake-formats"], "iceberg");
      const conf: string = job.inputs.defaultArguments["--conf"];
      assert.match(conf, /spark\.sql\.catalog\.s3tables\.uri=https:\/\/s3tables\.us-east-1\.amazonaws\.com\/iceberg/);
      assert.match(conf, /warehouse=arn:aws:s3tables:us-east-1:123456789012:bucket\/retail-prod-tables/);
      assert.match(conf, /rest\.signing-name=s3tables/);
      assert.equal(job.inputs.defaultArguments["--target_table"], "retail_bronze.erp_inventory", "batch lands in bronze; the merge fills silver");
      assert.equal(job.inputs.timeout, 120);
      assert.equal(job.inputs.executionProperty.maxConcurrentRuns, 1);
    });

    it("puts a jdbc source behind a NETWORK connection in a private subnet, and an s3 source behind none", () => {
      const jdbc = named(prod, "aws:glue/job:Job", "retail-prod-erp-inventory-job");
      assert.equal(jdbc.inputs.connections.length, 1);
      const conn = named(prod, "aws:glue/connection:Connection", "retail-prod-erp-inventory-network");
      assert.equal(conn.inputs.connectionType, "NETWORK");
      assert.equal(conn.inputs.physicalConnectionRequirements.subnetId, "subnet-private-a");
      assert.equal(byType(prod, "awsx:ec2:Vpc").length, 1);
      assert.equal(named(prod, "aws:glue/job:Job", "retail-prod-loyalty-tier-job").inputs.connections, undefined);
      assert.equal(byType(dev, "awsx:ec2:Vpc").length, 0, "dev reads extracts from S3 and needs no VPC");
    });

    it("lets a jdbc job read its own NETWORK connection, and an s3 job no connection", () => {
      const bySid = (n: string) => Object.fromEntries(policyDoc(named(prod, ROLE_POLICY, n)).Statement.map((s) => [s.Sid, s]));
      const jdbc = bySid("retail-prod-erp-inventory-glue").ReadConnection;
      const conn = named(prod, "aws:glue/connection:Connection", "retail-prod-erp-inventory-network");
      assert.deepEqual(actions(jdbc), ["glue:GetConnection"]);
      assert.deepEqual(resources(jdbc), [
        "arn:aws:glue:us-east-1:123456789012:catalog",
        `arn:aws:glue:us-east-1:123456789012:connection/${conn.state.name ?? conn.inputs.name ?? conn.name}`,
      ]);
      assert.equal(bySid("retail-prod-loyalty-tier-glue").ReadConnection, undefined);
    });

    it("schedules each lane from the lane rule: daily snapshots, hourly redemptions", () => {
      const schedule = (n: string) => named(prod, "aws:glue/trigger:Trigger", `retail-prod-${n}-schedule`).inputs.schedule;
      assert.equal(schedule("erp-inventory"), "cron(30 2 * * ? *)");
      assert.equal(schedule("loyalty-tier"), "cron(30 2 * * ? *)");
      assert.equal(schedule("loyalty-redemptions"), "cron(5 * * * ? *)");
    });

    it("scopes the Glue role to its own bronze table and source prefix, and keeps it away from silver and the salt", () => {
      const doc = policyDoc(named(prod, ROLE_POLICY, "retail-prod-loyalty-tier-glue"));
      const bySid = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
      assert.deepEqual(resources(bySid.ReadSource), ["arn:aws:s3:::retail-prod-crm-exports/loyalty-tier/*"]);
      assert.deepEqual(resources(bySid.WriteBronzeTable), [
        "arn:aws:s3tables:us-east-1:123456789012:bucket/retail-prod-tables",
        "arn:aws:s3tables:us-east-1:123456789012:bucket/retail-prod-tables/table/retail_bronze.loyalty_tier",
      ]);
      assert.deepEqual(resources(bySid.IcebergCatalog).slice(-2), [
        "arn:aws:glue:us-east-1:123456789012:database/s3tablescatalog/retail-prod-tables/retail_bronze",
        "arn:aws:glue:us-east-1:123456789012:table/s3tablescatalog/retail-prod-tables/retail_bronze/loyalty_tier",
      ]);
      const everything = JSON.stringify(doc);
      assert.ok(!everything.includes("retail_silver"), "the merge, not Glue, writes silver");
      assert.ok(!everything.includes("secretsmanager"), "the job no longer hashes emails, so it never reads the salt");
      const grant = named(prod, "aws:lakeformation/permissions:Permissions", "retail-prod-loyalty-tier-table");
      assert.deepEqual(
        [grant.inputs.permissions, grant.inputs.table.databaseName, grant.inputs.table.name],
        [["INSERT", "DESCRIBE"], "retail_bronze", "loyalty_tier"],
      );
      assert.equal(
        named(prod, "aws:lakeformation/permissions:Permissions", "retail-prod-loyalty-tier-namespace").inputs.database.name,
        "retail_bronze",
      );
    });

    it("passes the Glue driver exactly the arguments it reads, and the driver reads only those", () => {
      const script = fs.readFileSync(GLUE_SCRIPT, "utf8");
      const declared = [.../^ARGS = \[([^\]]*)\]/m.exec(script)![1].matchAll(/"([a-z_A-Z]+)"/g)].map((m) => m[1]);
      const read = new Set([...script.matchAll(/args\[["']([a-z_]+)["']\]/g)].map((m) => m[1]));
      assert.deepEqual(
        [...read].filter((a) => !declared.includes(a)),
        [],
        "every args[...] the driver reads is in ARGS",
      );
      // Glue's own parameters are hyphenated or --conf; ours are the driver's ARGS, bar JOB_NAME, which Glue supplies.
      const glueOwn = /^--(conf|[a-z]+(-[a-z]+)+)$/;
      for (const run of [dev, prod]) {
        for (const job of byType(run, "aws:glue/job:Job")) {
          const ours = Object.keys(job.inputs.defaultArguments)
            .filter((k) => !glueOwn.test(k))
            .map((k) => k.slice(2));
          assert.deepEqual(ours.sort(), declared.filter((a) => a !== "JOB_NAME").sort(), job.name);
        }
      }
    });

    it("routes failed and timed-out runs to the alarm topic", () => {
      const rule = named(prod, "aws:cloudwatch/eventRule:EventRule", "retail-prod-erp-inventory-failed");
      assert.deepEqual(JSON.parse(rule.inputs.eventPattern).detail.state, ["FAILED", "TIMEOUT", "ERROR"]);
      assert.equal(named(prod, "aws:cloudwatch/eventTarget:EventTarget", "retail-prod-erp-inventory-failed").inputs.arn, prod.outputs.alarmTopicArn);
    });
  });

  describe("Operations", () => {
    it("reconciles every silver table that has a reconcile file, in dev and prod", () => {
      const files = fs
        .readdirSync(path.join(REPO, "sql", "reconcile"))
        .map((f) => f.replace(/\.sql$/, ""))
        // The accounting file counts bronze products, not one silver table.
        .filter((f) => f !== "accounting")
        .sort();
      for (const run of [dev, prod]) assert.deepEqual([...(run.outputs.reconciledTables as string[])].sort(), files, run.stack);
    });

    it("merges each batch product when its own Glue job succeeds", () => {
      for (const product of BATCH_PRODUCTS) {
        const job = named(prod, "aws:glue/job:Job", `retail-prod-${product.replace(/_/g, "-")}-job`);
        const rule = named(prod, "aws:cloudwatch/eventRule:EventRule", `retail-prod-ops-merge-${product.replace(/_/g, "-")}`);
        const pattern = JSON.parse(rule.inputs.eventPattern);
        assert.deepEqual([pattern.detail.jobName, pattern.detail.state], [[job.state.name], ["SUCCEEDED"]], product);
      }
    });

    it("queries through the operations workgroup (SSE_S3 results), which only the Operations roles may use", () => {
      const wg = named(prod, "aws:athena/workgroup:Workgroup", "retail-prod-gold-operations");
      assert.equal(
        wg.inputs.configuration.resultConfiguration.encryptionConfiguration.encryptionOption,
        "SSE_S3",
        "Athena refuses MERGE on S3 Tables with SSE-KMS results",
      );
      for (const f of ["merge", "reconcile", "freshness", "erase", "maintenance", "backfill"]) {
        assert.equal(
          named(prod, "aws:lambda/function:Function", `retail-prod-ops-${f}`).inputs.environment.variables.ATHENA_WORKGROUP,
          wg.state.name,
          f,
        );
      }
      // Only the Operations roles query here: the workgroup runs the platform's DML.
      for (const run of [dev, prod]) {
        const users = byType(run, ROLE_POLICY)
          .filter((rp) =>
            policyDoc(rp).Statement.some(
              (s) => actions(s).some((a) => a.startsWith("athena:")) && resources(s).some((r) => r.endsWith("-gold-operations")),
            ),
          )
          .map((rp) => rp.name)
          .sort();
        assert.deepEqual(
          users,
          ["backfill", "erase", "freshness", "maintenance", "merge", "reconcile"].map((f) => `retail-${run.stack}-ops-${f}`),
          run.stack,
        );
      }
    });
  });

  describe("every role", () => {
    it("never grants Action '*' or a service wildcard, and uses Resource '*' only where AWS allows no scoping", () => {
      // The Service Authorization Reference lists no resource type for these (quicksight:ListIngestions included).
      const unscopable = new Set(["lakeformation:GetDataAccess", "cloudwatch:PutMetricData", "quicksight:ListIngestions"]);
      for (const rp of [...byType(prod, ROLE_POLICY), ...byType(dev, ROLE_POLICY)]) {
        for (const s of policyDoc(rp).Statement) {
          for (const a of actions(s)) assert.ok(a !== "*" && !a.endsWith(":*"), `${rp.name} ${s.Sid}: action ${a}`);
          if (resources(s).includes("*")) {
            assert.ok(
              actions(s).every((a) => unscopable.has(a) || a.startsWith("ec2:Describe")),
              `${rp.name} ${s.Sid}: Resource * with ${actions(s)}`,
            );
          }
        }
      }
    });

    it("trusts its service only for this account (confused deputy), as the service documents it", () => {
      const roles = [...byType(prod, "aws:iam/role:Role"), ...byType(dev, "aws:iam/role:Role")];
      assert.equal(byType(prod, "aws:iam/role:Role").length, 15, "12 service roles, the erase function's, the backfill's and the canary's");
      for (const role of roles) {
        const [st, ...rest] = JSON.parse(role.inputs.assumeRolePolicy).Statement;
        assert.equal(rest.length, 0, role.name);
        const service: string = st.Principal.Service;
        const expected =
          service === "firehose.amazonaws.com"
            ? { StringEquals: { "sts:ExternalId": "123456789012" } }
            : service === "scheduler.amazonaws.com"
              ? { StringEquals: { "aws:SourceAccount": "123456789012" } }
              : { StringEqualsIfExists: { "aws:SourceAccount": "123456789012" } };
        assert.deepEqual(st.Condition, expected, `${role.name} trusts ${service}`);
      }
    });

    it("scopes the Glue connection's ENI actions to its subnet, its security group and Glue's own tag", () => {
      const bySid = Object.fromEntries(policyDoc(named(prod, ROLE_POLICY, "retail-prod-erp-inventory-glue")).Statement.map((s) => [s.Sid, s]));
      const sg = named(prod, "aws:ec2/securityGroup:SecurityGroup", "retail-prod-erp-inventory-glue");
      const ec2 = "arn:aws:ec2:us-east-1:123456789012";
      assert.deepEqual(resources(bySid.CreateConnectionEnis), [
        `${ec2}:network-interface/*`,
        `${ec2}:subnet/subnet-private-a`,
        `${ec2}:security-group/${sg.name}-mock-id`,
      ]);
      assert.deepEqual(resources(bySid.DeleteConnectionEnis), [`${ec2}:network-interface/*`]);
      assert.deepEqual(bySid.TagConnectionEnis.Condition, { "ForAllValues:StringEquals": { "aws:TagKeys": ["aws-glue-service-resource"] } });
      assert.ok(actions(bySid.DescribeConnectionNetwork).every((a) => a.startsWith("ec2:Describe")));
    });
  });

  describe("dev vs prod", () => {
    it("protects the table bucket, tables and streams in prod only", () => {
      const stateful = [STREAM, TABLE, "aws:s3tables/tableBucket:TableBucket"];
      for (const type of stateful) {
        assert.ok(byType(prod, type).length > 0 && byType(prod, type).every((r) => r.protect), `prod ${type} protected`);
        assert.ok(
          byType(dev, type).every((r) => !r.protect),
          `dev ${type} unprotected`,
        );
      }
    });

    it("sizes dev small: one shard per stream and 24 h retention", () => {
      for (const s of byType(dev, STREAM)) {
        assert.equal(s.inputs.shardCount, 1);
        assert.equal(s.inputs.retentionPeriod, 24);
      }
    });

    it("switches a stream to on-demand only when config says so", async () => {
      // Every product the KPI catalog reads stays; loyalty_tier (read by no KPI) goes, and its bronze table with it.
      const products = dataProducts("dev")
        .filter((p) => p.name !== "loyalty_tier")
        .map((p) => (p.name === "cart_events" ? { ...p, stream: { ...p.stream, capacityMode: "on-demand" } } : p));
      const run = await runWith("dev", { "retail:dataProducts": products });
      const cart = named(run, STREAM, "retail-dev-cart-events-stream");
      assert.equal(cart.inputs.streamModeDetails.streamMode, "ON_DEMAND");
      assert.equal(cart.inputs.shardCount, undefined);
      assert.equal(named(run, STREAM, "retail-dev-pos-transactions-stream").inputs.streamModeDetails.streamMode, "PROVISIONED");
      assert.deepEqual(
        byType(run, TABLE)
          .filter((t) => t.inputs.namespace === "retail_bronze")
          .map((t) => t.inputs.tableName)
          .sort(),
        ["campaign_attribution", "cart_events", "erp_inventory", "loyalty_redemptions", "pos_transactions"],
        "bronze tables follow the configured products",
      );
    });

    it("fails before creating anything when a data product, streamed or batch, has no bronze DDL", async () => {
      await assert.rejects(
        runWith("dev", {
          // Beside the committed products, which the KPI catalog reads (a catalog source the stack lacks fails first).
          "retail:dataProducts": [
            ...dataProducts("dev"),
            {
              name: "clickstream",
              sourceSystem: "web",
              semantics: "event",
              freshnessMinutes: 5,
              stream: { peakRecordsPerSecond: 10, avgRecordBytes: 500, capacityMode: "provisioned" },
            },
            {
              name: "store_footfall",
              sourceSystem: "sensors",
              semantics: "snapshot",
              freshnessMinutes: 1440,
              batch: { sourceKind: "s3", sourceUri: "s3://x-exports/footfall/", workers: 2, timeoutMinutes: 30 },
            },
          ],
        }),
        (e: Error) => {
          assert.match(
            e.message,
            /retail:dataProducts \(name "clickstream"\): every data product lands in its bronze table\. Fix: add sql\/bronze\/clickstream\.sql/,
          );
          assert.match(
            e.message,
            /retail:dataProducts \(name "store_footfall"\): every data product lands in its bronze table\. Fix: add sql\/bronze\/store_footfall\.sql/,
          );
          return true;
        },
      );
    });
  });

  describe("output contract", () => {
    it("exports the contract keys with the current version", () => {
      for (const run of [dev, prod]) {
        assert.equal(run.outputs.contractVersion, CONTRACT_VERSION);
        for (const key of ["tableBucketArn", "namespaces", "tables", "streams", "glueJobs"])
          assert.ok(key in run.outputs, `${run.stack} exports ${key}`);
        assert.deepEqual(run.secretOutputs, [], "no output is a secret, so none can leak as plain text");
      }
      assert.deepEqual(Object.keys((prod.outputs.streams as object) ?? {}).sort(), ["cart_events", "pos_transactions"]);
    });

    it("protects the platform key and the salt's object and table in prod (deleting either loses the data's readability or its identities), not in dev", () => {
      for (const [type, name] of [
        ["aws:kms/key:Key", "key"],
        ["aws:s3/bucketObjectv2:BucketObjectv2", "email-salt"],
        ["aws:glue/catalogTable:CatalogTable", "email-salt"],
      ]) {
        assert.equal(named(prod, type, `retail-prod-${name}`).protect, true, `prod ${type}`);
        assert.equal(named(dev, type, `retail-dev-${name}`).protect, false, `dev ${type}`);
      }
    });

    it("keeps an alarm endpoint stored with --secret a secret in state, and scopes the jdbc secret to one secret's ARN suffix", async () => {
      const secretEndpoint = await runProgram({
        stack: "prod",
        config: stackConfig("prod"),
        secretKeys: ["retail:emailHashSalt", "retail:alarmSubscription"],
        program: path.join(REPO, "infra", "index.ts"),
      });
      // The recorded inputs are the engine's: a secret arrives wrapped in Pulumi's secret signature.
      const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "retail-data-oncall@example.com" };
      const endpoint = (r: ProgramRun) => byType(r, "aws:sns/topicSubscription:TopicSubscription")[0].inputs.endpoint;
      assert.deepEqual(endpoint(secretEndpoint), SECRET_SIG, "secret when stored as one");
      assert.equal(endpoint(prod), "retail-data-oncall@example.com", "plain when stored plain");
      const jdbc = policyDoc(named(prod, ROLE_POLICY, "retail-prod-erp-inventory-glue")).Statement.find((st) => st.Sid === "ReadJdbcSecret")!;
      assert.deepEqual(resources(jdbc), ["arn:aws:secretsmanager:us-east-1:123456789012:secret:retail/prod/erp-jdbc-??????"]);
    });

    it("keeps the salt out of every output and input except the salt object's body", () => {
      const text = JSON.stringify(prod.outputs);
      assert.ok(!text.includes("test-salt"));
      const carriers = prod.resources.filter((r) => JSON.stringify(r.inputs).includes("test-salt"));
      assert.deepEqual(
        carriers.map((r) => r.type),
        ["aws:s3/bucketObjectv2:BucketObjectv2"],
      );
    });
  });
});
