import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { TAG } from "../../core/tags";
import { loadKpiCatalog } from "../../core/kpiCatalog";
import { AnalyzedResource, PackConfig, PolicyPackProcess, startPolicyPack } from "../../local/analyzer";
import { POLICY_DIR } from "../../local/plan";
import { catalogPackConfig } from "../../local/packConfig";

/** Stack-wide policies run through the pack's own analyzeStack path, on hand-built stacks. */

const urn = (type: string, name: string) => `urn:pulumi:prod::retail-analytics::${type}::${name}`;
function res(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<AnalyzedResource> = {}): AnalyzedResource {
  return { type, name, urn: urn(type, name), inputs, ...extra };
}
// The pack config the plan and `--policy-pack-config policy/pack-config.json` give the pack.
const PACK_CONFIG = catalogPackConfig();
// One served pack for the file (tests run one at a time, so each reconfigures it); it ends with the process.
let pack: Promise<PolicyPackProcess> | undefined;
async function stackViolations(resources: AnalyzedResource[], policy: string, config: PackConfig = PACK_CONFIG) {
  const served = await (pack ??= startPolicyPack(POLICY_DIR));
  await served.configure(config);
  const ds = await served.analyzeStack(resources);
  return ds.filter((d) => d.policy === policy);
}

const bucket = res("aws:s3/bucket:Bucket", "errors", { forceDestroy: false });
const pab = (flags: Partial<Record<string, boolean>> = {}) =>
  res(
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "errors",
    { bucket: "errors-4f2a", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, ...flags },
    { propertyDependencies: { bucket: [bucket.urn] } },
  );
const sseWith = (rules: object[]) =>
  res(
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "errors",
    { bucket: "errors-4f2a", rules },
    { propertyDependencies: { bucket: [bucket.urn] } },
  );
const sse = sseWith([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }]);
const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
const accountPab = (flags: Partial<Record<string, boolean>> = {}) =>
  res("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "account", {
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
    ...flags,
  });
const NO_BUCKET_PAB =
  'S3 bucket "errors" has no BucketPublicAccessBlock. Fix: add aws.s3.BucketPublicAccessBlock for it with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true.';

describe("policy (stack): S3 buckets", () => {
  it("enforces encryption in a preview where a new bucket's inline encryption output is still unknown", async () => {
    // Stack policies see outputs; pulumi.runtime's unknown marker stands for a computed value not known yet.
    const fresh = res("aws:s3/bucket:Bucket", "errors", {
      forceDestroy: false,
      serverSideEncryptionConfiguration: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    });
    const weak = sseWith([{ applyServerSideEncryptionByDefault: {} }]);
    const [v] = await stackViolations([fresh, pab(), weak], "s3-bucket-encrypted");
    assert.equal(v.enforcementLevel, "mandatory");
    assert.match(v.message, /has a BucketServerSideEncryptionConfiguration without a default algorithm/);
    assert.deepEqual(await stackViolations([fresh, pab(), sse], "s3-bucket-encrypted"), []);
  });

  it("Compliance: a bucket with its encryption and public access block, matched by property dependency", async () => {
    assert.deepEqual(await stackViolations([bucket, pab(), sse], "s3-bucket-public-access-blocked"), []);
    assert.deepEqual(await stackViolations([bucket, pab(), sse], "s3-bucket-encrypted"), []);
  });

  it("Noncompliance 1: no public access block, and no encryption", async () => {
    const [blocked] = await stackViolations([bucket], "s3-bucket-public-access-blocked");
    assert.equal(blocked.urn, bucket.urn);
    assert.equal(blocked.message, NO_BUCKET_PAB);
    const [encrypted] = await stackViolations([bucket, pab()], "s3-bucket-encrypted");
    assert.equal(
      encrypted.message,
      'S3 bucket "errors" has no BucketServerSideEncryptionConfiguration. Fix: add aws.s3.BucketServerSideEncryptionConfiguration for it with applyServerSideEncryptionByDefault.sseAlgorithm "aws:kms" (or "AES256").',
    );
  });

  it("Noncompliance 2: a public access block that leaves a setting off", async () => {
    const [v] = await stackViolations([bucket, pab({ restrictPublicBuckets: false })], "s3-bucket-public-access-blocked");
    assert.equal(
      v.message,
      `S3 bucket "errors"'s BucketPublicAccessBlock "errors" leaves restrictPublicBuckets = false. Fix: set restrictPublicBuckets to true.`,
    );
  });

  it("Compliance: AES256 is a default algorithm too", async () => {
    assert.deepEqual(
      await stackViolations([bucket, pab(), sseWith([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }])], "s3-bucket-encrypted"),
      [],
    );
  });

  it("Noncompliance 3: an encryption configuration whose rules set no default algorithm", async () => {
    const vs = await stackViolations([bucket, pab(), sseWith([{ bucketKeyEnabled: true }])], "s3-bucket-encrypted");
    assert.deepEqual(
      vs.map((v) => [v.urn, v.message]),
      [
        [
          bucket.urn,
          'S3 bucket "errors" has a BucketServerSideEncryptionConfiguration without a default algorithm (found [null]). ' +
            'Fix: set rules[0].applyServerSideEncryptionByDefault.sseAlgorithm to "aws:kms" or "AES256".',
        ],
      ],
    );
  });

  it("Compliance: an account-level public access block with all four settings covers a bucket without its own", async () => {
    assert.deepEqual(await stackViolations([bucket, accountPab(), sse], "s3-bucket-public-access-blocked"), []);
  });

  it("Noncompliance 4: an account-level public access block with any one setting off does not cover the bucket", async () => {
    for (const flag of PUBLIC_ACCESS_FLAGS) {
      const vs = await stackViolations([bucket, accountPab({ [flag]: false }), sse], "s3-bucket-public-access-blocked");
      assert.deepEqual(
        vs.map((v) => v.message),
        [
          `S3 bucket "errors" has no BucketPublicAccessBlock. The AccountPublicAccessBlock "account" does not cover it: it leaves ${flag} off. ` +
            "Fix: add aws.s3.BucketPublicAccessBlock for it with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true, " +
            "or turn on every setting of the account-level block.",
        ],
        flag,
      );
    }
  });
});

describe("policy (stack): aws-native S3 buckets", () => {
  const FLAGS = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
  const ENCRYPTED = { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] };
  const native = (inputs: Record<string, unknown>) => res("aws-native:s3:Bucket", "exports", { bucketName: "team-exports", ...inputs });

  it("Compliance: public access blocked and encrypted inline", async () => {
    const b = native({ publicAccessBlockConfiguration: FLAGS, bucketEncryption: ENCRYPTED });
    assert.deepEqual(await stackViolations([b], "s3-bucket-public-access-blocked"), []);
    assert.deepEqual(await stackViolations([b], "s3-bucket-encrypted"), []);
  });

  it("Compliance: a classic BucketPublicAccessBlock and encryption configuration naming the bucket count too", async () => {
    const b = native({});
    const block = res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "exports", { bucket: "team-exports", ...FLAGS });
    const enc = res("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "exports", {
      bucket: "team-exports",
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    assert.deepEqual(await stackViolations([b, block, enc], "s3-bucket-public-access-blocked"), []);
    assert.deepEqual(await stackViolations([b, block, enc], "s3-bucket-encrypted"), []);
  });

  it("Noncompliance 1: a public bucket (no block, or one that leaves settings off), mandatory and on the bucket", async () => {
    const [none] = await stackViolations([native({ bucketEncryption: ENCRYPTED })], "s3-bucket-public-access-blocked");
    assert.equal(none.enforcementLevel, "mandatory");
    assert.match(none.urn, /aws-native:s3:Bucket::exports$/);
    assert.match(
      none.message,
      /^S3 bucket "exports" \(team-exports\) has no BucketPublicAccessBlock\. Fix: set publicAccessBlockConfiguration on it, or add/,
    );
    const partial = native({ publicAccessBlockConfiguration: { ...FLAGS, blockPublicPolicy: false, restrictPublicBuckets: false } });
    const [v] = await stackViolations([partial], "s3-bucket-public-access-blocked");
    assert.equal(
      v.message,
      'S3 bucket "exports" (team-exports)\'s publicAccessBlockConfiguration leaves blockPublicPolicy = false, restrictPublicBuckets = false. Fix: set blockPublicPolicy, restrictPublicBuckets to true.',
    );
  });

  it("Noncompliance 2: no bucketEncryption, or rules without a default algorithm", async () => {
    const [v] = await stackViolations([native({ publicAccessBlockConfiguration: FLAGS })], "s3-bucket-encrypted");
    assert.equal(
      v.message,
      'S3 bucket "exports" (team-exports) has no bucketEncryption and no BucketServerSideEncryptionConfiguration. ' +
        'Fix: set bucketEncryption.serverSideEncryptionConfiguration[0].serverSideEncryptionByDefault.sseAlgorithm "aws:kms" (or "AES256").',
    );
    const weak = native({ bucketEncryption: { serverSideEncryptionConfiguration: [{ bucketKeyEnabled: true }] } });
    assert.match(
      (await stackViolations([weak], "s3-bucket-encrypted"))[0].message,
      /has bucketEncryption without a default algorithm \(found \[null\]\)/,
    );
  });

  it("still reports a public bucket when another bucket's inputs are unknown in preview, and reports that one as unknown", async () => {
    const unknown = res("aws-native:s3:Bucket", "later", {
      bucketName: "team-later",
      publicAccessBlockConfiguration: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    });
    const vs = await stackViolations([unknown, native({})], "s3-bucket-public-access-blocked");
    assert.deepEqual(
      vs.map((v) => [v.enforcementLevel, v.message.slice(0, 60)]),
      [
        ["mandatory", 'S3 bucket "exports" (team-exports) has no BucketPublicAccessBlock.'.slice(0, 60)],
        ["advisory", vs[1]?.message.slice(0, 60)],
      ],
    );
    assert.match(vs[1].message, /S3 bucket "later" \(team-later\)'s public access block is unknown in preview/);
  });
});

describe("policy (stack): prod protects stateful resources", () => {
  const tableBucket = (protect: boolean) => res("aws:s3tables/tableBucket:TableBucket", "lake-tables", { name: "lake-tables" }, { protect });
  const stream = (protect: boolean, env = "prod") =>
    res("aws:kinesis/stream:Stream", "cart-stream", { shardCount: 1, tags: { [TAG.environment]: env } }, { protect });

  it("Compliance: protected in prod; unprotected in dev", async () => {
    assert.deepEqual(await stackViolations([tableBucket(true), stream(true)], "prod-stateful-protected"), []);
    assert.deepEqual(await stackViolations([tableBucket(false), stream(false, "dev")], "prod-stateful-protected"), []);
  });

  it("Noncompliance 1: an unprotected stream, and an untagged table bucket in a prod stack", async () => {
    const vs = await stackViolations([tableBucket(false), stream(false)], "prod-stateful-protected");
    assert.deepEqual(
      vs.map((v) => v.message),
      [
        'table bucket "lake-tables" in environment "prod" has protect = false; deleting it loses data that cannot be replayed. Fix: pass { protect: true } (retail:protectStateful: true in Pulumi.prod.yaml).',
        'stream "cart-stream" in environment "prod" has protect = false; deleting it loses data that cannot be replayed. Fix: pass { protect: true } (retail:protectStateful: true in Pulumi.prod.yaml).',
      ],
    );
  });
});

describe("policy (stack): this platform's own stacks", () => {
  const lane = res("retail:analytics:StreamingLane", "cart_events", {});
  const tagged = (type: string, name: string, tags: Record<string, string>) => res(type, name, { tags }, { parent: lane.urn });
  const product = { [TAG.dataProduct]: "cart_events", [TAG.lane]: "stream" };
  const streamR = tagged("aws:kinesis/stream:Stream", "cart-stream", product);
  const firehose = tagged("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "cart-delivery", product);
  const table = (fq: string) => res("aws-native:s3tables:Table", fq, { tags: [{ key: TAG.table, value: fq }] });
  const datasets = loadKpiCatalog().map((k) =>
    res("aws:quicksight/dataSet:DataSet", k.kpi, { importMode: k.importMode, tags: { [TAG.kpi]: k.kpi } }),
  );

  it("Compliance: a streaming product with stream, Firehose and bronze table; every catalog KPI with a dataset", async () => {
    const stack = [lane, streamR, firehose, table("retail_bronze.cart_events"), ...datasets];
    assert.deepEqual(await stackViolations(stack, "platform-streaming-products-complete"), []);
    assert.deepEqual(await stackViolations(stack, "platform-catalog-kpis-have-datasets"), []);
  });

  it("Noncompliance 1: a streaming product without its Firehose and bronze table", async () => {
    const [v] = await stackViolations([lane, streamR], "platform-streaming-products-complete");
    assert.equal(
      v.message,
      'Streaming product "cart_events" is missing a Firehose delivery stream, the bronze table retail_bronze.cart_events (each tagged retail:data-product = "cart_events" / retail:table), so its events do not reach bronze. ' +
        "Fix: add sql/bronze/cart_events.sql and build the product with a StreamingLane.",
    );
    assert.equal(v.urn, lane.urn);
  });

  it("Noncompliance 1b: a StreamingLane none of whose children carries the data-product tag", async () => {
    const untagged = res("aws:kinesis/stream:Stream", "cart-stream", { tags: { [TAG.lane]: "stream" } }, { parent: lane.urn });
    // The product is complete outside the lane (tagged lane=stream, no parent), so only the lane itself is reported.
    const outside = [
      res("aws:kinesis/stream:Stream", "cart-stream-2", { tags: product }),
      res("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "cart-delivery", { tags: product }),
      table("retail_bronze.cart_events"),
    ];
    const vs = await stackViolations([lane, untagged, ...outside], "platform-streaming-products-complete");
    assert.deepEqual(
      vs.map((v) => [v.urn, v.message]),
      [
        [
          lane.urn,
          'StreamingLane "cart_events" has no child tagged retail:data-product, so its product cannot be traced to a stream, Firehose and bronze table. ' +
            "Fix: tag the lane's stream and Firehose with retail:data-product = <product>.",
        ],
      ],
    );
  });

  it("Noncompliance 2b: no KPI list in the pack config (the published pack never reads the catalog itself)", async () => {
    const vs = await stackViolations([lane, ...datasets], "platform-catalog-kpis-have-datasets", {});
    assert.equal(vs.length, 1);
    assert.match(vs[0].message, /^No catalog KPIs configured.*Fix: pass --policy-pack-config policy\/pack-config\.json/);
  });

  it("Noncompliance 2: a catalog KPI with no dataset", async () => {
    const vs = await stackViolations([lane, ...datasets.slice(1)], "platform-catalog-kpis-have-datasets");
    assert.deepEqual(
      vs.map((v) => v.message),
      [
        `Catalog KPI "${loadKpiCatalog()[0].kpi}" (retail-kpi-catalog.csv) has no QuickSight dataset tagged retail:kpi = "${loadKpiCatalog()[0].kpi}", so analysts cannot see it. ` +
          "Fix: build it with a KpiDataset (SPICE or DIRECT_QUERY per the catalog), or remove the row from the catalog.",
      ],
    );
  });

  it("Noncompliance 3 (mandatory): a product's silver table no reconciliation names", async () => {
    const silver = table("retail_silver.cart_events");
    const [v] = await stackViolations([lane, streamR, silver], "platform-silver-tables-reconciled");
    assert.equal(v.enforcementLevel, "mandatory", "every lane lands in bronze, so an unreconciled silver table is a gap, not a nit");
    assert.equal(
      v.message,
      'Silver table retail_silver.cart_events ("retail_silver.cart_events") is not reconciled against its source: no resource in this stack carries a retail:reconciles tag (no reconciliation is deployed). ' +
        "Fix: add cart_events to the Operations component's reconciled tables.",
    );
    const reconcile = (tables: string) => res("aws:lambda/function:Function", "reconcile", { tags: { [TAG.reconciles]: tables } });
    assert.deepEqual(
      await stackViolations(
        [lane, streamR, silver, reconcile("retail_silver.erp_inventory retail_silver.cart_events")],
        "platform-silver-tables-reconciled",
      ),
      [],
    );
    const [partial] = await stackViolations([lane, streamR, silver, reconcile("retail_silver.erp_inventory")], "platform-silver-tables-reconciled");
    assert.match(partial.message, /: "reconcile" reconcile\(s\) retail_silver.erp_inventory\. Fix:/);
  });

  it("holds another team's stack to none of it", async () => {
    const theirs = [res("aws:kinesis/stream:Stream", "clicks", { tags: { [TAG.dataProduct]: "clicks", [TAG.lane]: "stream" } })];
    for (const p of ["platform-streaming-products-complete", "platform-catalog-kpis-have-datasets", "platform-silver-tables-reconciled"]) {
      assert.deepEqual(await stackViolations(theirs, p), [], p);
    }
  });
});

describe("policy (stack): loading the pack's rules", () => {
  it("loads no component: the reconciles tag and its parser come from core/tags", function () {
    this.timeout(60_000);
    // A fresh process, since this one has loaded the components for other suites already.
    const loaded = execFileSync(
      process.execPath,
      ["-r", "./local/register.js", "-e", 'require("./policy/rules"); console.log(JSON.stringify(Object.keys(require.cache)))'],
      { cwd: path.resolve(__dirname, "..", ".."), encoding: "utf8" },
    );
    assert.deepEqual(
      (JSON.parse(loaded) as string[]).filter((m) => m.includes(`${path.sep}components${path.sep}`)),
      [],
    );
  });
});
