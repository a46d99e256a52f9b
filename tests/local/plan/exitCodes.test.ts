import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { REPO_ROOT } from "../../../core/paths";
import { checkoutCopy, planCli } from "../../support/planCli";
import { inputProblems, plan } from "../../../local/plan";

/** Pulumi.<stack>.yaml with `change` applied to its config map, written to a fresh temp file. */
function stackFileWith(stack: "dev" | "prod", change: (config: Record<string, any>) => void): string {
  const doc = parseYaml(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8"));
  change(doc.config);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-exit-")), `Pulumi.${stack}.yaml`);
  fs.writeFileSync(file, stringifyYaml(doc));
  return file;
}

const products = (c: Record<string, any>) => c["retail:dataProducts"] as Array<Record<string, any>>;

describe("plan: config and catalog errors exit 2, always (child processes)", () => {
  it("exits 2 on the issue's 42-character product name, naming the Firehose stream, role, bucket and schedule it would make", async () => {
    const file = stackFileWith("prod", (c) => (products(c)[0].name = "cart_events_" + "x".repeat(30)));
    const { code, stdout, stderr } = await planCli(["--stack", "prod", "--config", file, "--json"]);
    assert.equal(code, 2, stderr);
    assert.equal(stdout, "");
    assert.match(stderr, /^plan: invalid configuration\n/);
    assert.match(
      stderr,
      /retail:dataProducts\[0\]\.name = "cart_events_x{30}" \(42 characters\) makes names AWS would refuse: Firehose stream "retail-prod-cart-events-x{30}-delivery-xxxxxxx" \(71 characters/,
    );
    assert.match(
      stderr,
      /IAM role "[^"]+" \(71 characters.*S3 bucket "[^"]+" \(69 characters.*EventBridge Scheduler schedule "[^"]+" \(72 characters/,
    );
  });

  it("exits 2, not 3, when a KPI's owner team has no QuickSight group in the config", async () => {
    const file = stackFileWith("dev", (c) => delete c["retail:quicksight"].ownerGroups.Marketing);
    const { code, stdout, stderr } = await planCli(["--stack", "dev", "--config", file]);
    assert.equal(code, 2, stderr);
    assert.equal(stdout, "");
    assert.match(
      stderr,
      /core\/catalog\/retail-kpi-catalog\.csv:5, column 7 \(owner_team\): "Marketing" has no QuickSight group in retail:quicksight\.ownerGroups\. Fix: /,
    );
  });

  it("exits 2, not 3, on a bad catalog row, naming the file, line, column and fix", async function () {
    this.timeout(180_000);
    const copy = checkoutCopy();
    const catalog = path.join(copy, "core", "catalog", "retail-kpi-catalog.csv");
    const text = fs.readFileSync(catalog, "utf8");
    assert.match(text, /,SPICE,false,15min,E-commerce,true,30000,/);
    fs.writeFileSync(catalog, text.replace(",SPICE,false,15min,E-commerce,true,30000,", ",SPICY,false,15min,E-commerce,true,30k,"));
    const { code, stdout, stderr } = await planCli(["--stack", "dev"], copy);
    assert.equal(code, 2, stderr);
    assert.equal(stdout, "");
    assert.match(
      stderr,
      /core\/catalog\/retail-kpi-catalog\.csv:3, column 4 \(import_mode\): "SPICY" is not an import mode\. Fix: use SPICE or DIRECT_QUERY\./,
    );
    assert.match(stderr, /core\/catalog\/retail-kpi-catalog\.csv:3, column 9 \(expected_rows\): "30k" is not a positive whole number\./);
  });
});

describe("plan: the Kinesis shard quota is advisory (child process)", () => {
  it("plans with exit 0 and warns, naming the shards and the quota, when the streams pass the account's configured quota", async () => {
    const file = stackFileWith("prod", (c) => (c["retail:kinesisShardQuota"] = 9));
    const { code, stderr } = await planCli(["--stack", "prod", "--config", file, "--json"]);
    assert.equal(code, 0, stderr);
    assert.match(
      stderr,
      /advisory: retail:dataProducts: 10 provisioned shards \(cart_events 8, pos_transactions 2\) exceed retail:kinesisShardQuota, 9 shards/,
    );
  });
});

describe("plan: config that validated but that AWS or the catalog would refuse exits 2", () => {
  const cases: [string, (c: Record<string, any>) => void, RegExp][] = [
    [
      "a SPICE cap below a pinned KPI's rows (exited 3)",
      (c) => (c["retail:quicksight"].spiceRowCap = 10),
      /KPI "cart_abandonment" expects 30000 rows, above the SPICE cap of 10/,
    ],
    [
      "a product the catalog reads, dropped from the stack (exited 3)",
      (c) => (c["retail:dataProducts"] = products(c).filter((p) => p.name !== "loyalty_redemptions")),
      /KPI "loyalty_redemption_rate" reads "loyalty_redemptions", which is not a data product of this stack/,
    ],
    [
      "an owner team no KPI uses (exited 0)",
      (c) => (c["retail:quicksight"].ownerGroups.Finance = "finance-analysts"),
      /"Finance" owns no KPI in core\/catalog\/retail-kpi-catalog\.csv/,
    ],
    ["logRetentionDays 13 (exited 0)", (c) => (c["retail:operations"].logRetentionDays = 13), /logRetentionDays = 13: .*Fix: use 7 or 14\./],
    [
      "a QuickSight namespace of my ns/../x (exited 0)",
      (c) => (c["retail:quicksight"].namespace = "my ns/../x"),
      /retail:quicksight\.namespace = "my ns\/\.\.\/x": must be a QuickSight namespace name/,
    ],
    ["a stream needing 2 minutes (exited 0)", (c) => (products(c)[0].freshnessMinutes = 2), /freshnessMinutes = 2: .* = 4 min\./],
    [
      "a reconcile hour inside the batch window (exited 0)",
      (c) => (c["retail:operations"].reconcileHourUtc = 3),
      /reconcileHourUtc = 3: 03:00 UTC is inside the daily batch window/,
    ],
    [
      "a CIDR with host bits set (exited 0)",
      (c) => (c["retail:network"].vpcCidr = "10.40.1.0/16"),
      /vpcCidr = "10\.40\.1\.0\/16": host bits are set.*Fix: set it to 10\.40\.0\.0\/16/,
    ],
    [
      "avgRecordBytes 1048576 at 8,000 records/s: 8,000 shards, $396,871.92 a month of streams (exited 0)",
      (c) => (products(c)[0].stream.avgRecordBytes = 1048576),
      /monthlyCostCeilingUsd = 10000: the streams alone are estimated at \$396,871\.92 a month \(cart_events \$396,678\.15, .*\(8000 shards\)\. Fix:/,
    ],
  ];
  for (const [what, change, message] of cases) {
    it(what, async () => {
      const o = await plan({ stack: "prod", config: stackFileWith("prod", change) });
      assert.ok("errors" in o, `expected exit 2, got a plan with exit ${o.exitCode}`);
      assert.equal(o.exitCode, 2, o.errors.join("\n"));
      assert.ok(
        o.errors.some((e) => message.test(e)),
        o.errors.join("\n"),
      );
    });
  }

  it("reads both error shapes of the program as input errors, and nothing else", () => {
    const shaped = (message: string) => Object.assign(new Error(message), { problems: ["p"] });
    assert.deepEqual(inputProblems(shaped("invalid stack configuration:\n  - p")), ["p"]);
    assert.deepEqual(inputProblems(shaped("invalid KPI catalog:\n  - p")), ["p"]);
    assert.equal(inputProblems(shaped("Operations:\n  - p")), undefined);
    assert.equal(inputProblems(new Error("invalid KPI catalog: but no problems")), undefined);
  });
});
