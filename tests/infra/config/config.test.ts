import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, decodeConfigValue, parsePlatformConfig } from "../../../infra/config";
import { stackConfig, TEST_SALT } from "../../support/stacks";

/** The prod stack file as the program sees it (JSON-decoded, without the salt), with one change applied. */
function prodRaw(change: (raw: Record<string, any>) => void = () => undefined): Record<string, any> {
  const raw: Record<string, any> = {};
  for (const [k, v] of Object.entries(stackConfig("prod"))) {
    if (k.startsWith("retail:") && k !== "retail:emailHashSalt") raw[k.slice("retail:".length)] = decodeConfigValue(v);
  }
  change(raw);
  return raw;
}

const ctx = { project: "retail-analytics", stack: "prod", region: "us-east-1", emailHashSalt: TEST_SALT };

function problemsOf(raw: Record<string, unknown>, c: Partial<typeof ctx> & { secretKeys?: string[]; allKeys?: string[] } = {}): string[] {
  try {
    parsePlatformConfig(raw, { ...ctx, ...c });
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    assert.ok(pulumi.RunError.isInstance(e), "a ConfigError must be a RunError so pulumi up prints no stack trace");
    return e.problems as string[];
  }
  assert.fail("expected the config to be rejected");
}

describe("stack config", () => {
  it("accepts the committed prod config and derives every product's lane", () => {
    const cfg = parsePlatformConfig(prodRaw(), ctx);
    assert.deepEqual(
      cfg.streams.map((s) => [s.name, s.lane]),
      [
        ["cart_events", "stream"],
        ["pos_transactions", "stream"],
      ],
    );
    assert.deepEqual(
      cfg.batches.map((b) => [b.name, b.lane]),
      [
        ["erp_inventory", "batch-daily"],
        ["loyalty_tier", "batch-daily"],
        ["loyalty_redemptions", "batch-hourly"],
        // No lane in the file: the lane rule picks the slowest batch that meets a 60-minute event need.
        ["campaign_attribution", "batch-hourly"],
      ],
    );
  });

  it("rejects a misspelled key, naming it and the fix", () => {
    const problems = problemsOf(prodRaw((r) => (r.streamRetentionHour = 24)));
    assert.deepEqual(problems, [
      "retail:streamRetentionHour is not a known key. Fix: check its spelling against the README's config table, or remove it.",
    ]);
  });

  it("rejects a Kinesis retention outside 24 to 8760 hours (the one place this rule lives)", () => {
    const [p] = problemsOf(prodRaw((r) => (r.streamRetentionHours = 12)));
    assert.match(p, /^retail:streamRetentionHours = 12: .*Fix: give Kinesis retention in hours, 24 to 8760\.$/);
  });

  it("rejects an unknown environment with the allowed values", () => {
    const [p] = problemsOf(prodRaw((r) => (r.environment = "staging")));
    assert.match(
      p,
      /^retail:environment = "staging": Invalid option: expected one of "dev"\|"prod"\. Fix: set retail:environment to "dev" or "prod"\.$/,
    );
  });

  it("rejects a negative peak with the key path into the product list", () => {
    const [p] = problemsOf(prodRaw((r) => (r.dataProducts[0].stream.peakRecordsPerSecond = -5)));
    assert.match(
      p,
      /^retail:dataProducts\[0\]\.stream\.peakRecordsPerSecond = -5: .*>=1.*Fix: give the sustained writes\/s expected at the peak, e\.g\. 8000\.$/,
    );
  });

  it("rejects a snapshot product that asks for a stream", () => {
    const [p] = problemsOf(prodRaw((r) => (r.dataProducts[2].lane = "stream")));
    assert.equal(
      p,
      'retail:dataProducts[2].lane = "stream": data product "erp_inventory": lane "stream" is not allowed: a snapshot product cannot stream (snapshots are read whole on a schedule). Use one of: batch-15min, batch-hourly, batch-daily, or omit lane to take the default.',
    );
  });

  it("rejects a batch lane slower than the freshness need", () => {
    const [p] = problemsOf(prodRaw((r) => (r.dataProducts[4].lane = "batch-daily")));
    assert.match(
      p,
      /lane "batch-daily" is not allowed: batch-daily runs every 1440 min, slower than the 60-min freshness need\. Use one of: stream, batch-15min, batch-hourly/,
    );
  });

  it("rejects a streaming product without stream sizing", () => {
    const [p] = problemsOf(prodRaw((r) => delete r.dataProducts[0].stream));
    assert.equal(
      p,
      'retail:dataProducts[0].stream = (missing): "cart_events" travels on a stream. Fix: add stream {peakRecordsPerSecond, avgRecordBytes, capacityMode}.',
    );
  });

  it("rejects prod without protection", () => {
    const [p] = problemsOf(prodRaw((r) => (r.protectStateful = false)));
    assert.equal(p, "retail:protectStateful = false: prod must protect its table bucket, tables and streams. Fix: set it to true.");
  });

  it("rejects an Athena cutoff below Athena's minimum", () => {
    const [p] = problemsOf(prodRaw((r) => (r.athena.bytesScannedCutoffPerQuery = 1000)));
    assert.match(p, /^retail:athena\.bytesScannedCutoffPerQuery = 1000: .*Fix: give bytes, at least 10000000 \(Athena's minimum\)\.$/);
  });

  it("rejects a SPICE cap above the 10M-row limit", () => {
    const [p] = problemsOf(prodRaw((r) => (r.quicksight.spiceRowCap = 12_000_000)));
    assert.match(p, /^retail:quicksight\.spiceRowCap = 12000000: .*Fix: give a row count no higher than 10000000 \(the SPICE cap\)\.$/);
  });

  it("rejects a missing or malformed dashboard author group, naming the fix", () => {
    const [missing] = problemsOf(prodRaw((r) => delete r.quicksight.authorGroup));
    assert.match(
      missing,
      /^retail:quicksight\.authorGroup = \(missing\): .*Fix: name the QuickSight group that authors the dashboards, e\.g\. retail-platform-authors\.$/,
    );
    const [bad] = problemsOf(prodRaw((r) => (r.quicksight.authorGroup = "platform authors")));
    assert.match(bad, /^retail:quicksight\.authorGroup = "platform authors": must be a QuickSight group name\./);
  });

  it("defaults the canary and bridge coverage, and takes the before figure as given", () => {
    const cfg = parsePlatformConfig(prodRaw(), ctx);
    assert.deepEqual(cfg.canary, { enabled: true, intervalMinutes: 15 });
    assert.equal(cfg.operations.bridgeCoverageMin, 0.95);
    assert.equal(cfg.baselineRefreshHours, 26);
    const off = parsePlatformConfig(
      prodRaw((r) => (r.canary = { enabled: false })),
      ctx,
    );
    assert.deepEqual(off.canary, { enabled: false, intervalMinutes: 15 });
  });

  it("rejects a canary interval outside 1..60 minutes, a non-boolean switch and a coverage share above 1, naming the fix", () => {
    for (const bad of [0, 61, 7.5]) {
      const [p] = problemsOf(prodRaw((r) => (r.canary = { intervalMinutes: bad })));
      assert.match(p, new RegExp(`^retail:canary\\.intervalMinutes = ${bad}: .*Fix: give whole minutes from 1 to 60, e\\.g\\. 15\\.$`));
    }
    const [sw] = problemsOf(prodRaw((r) => (r.canary = { enabled: "yes" })));
    assert.match(sw, /^retail:canary\.enabled = "yes": .*Fix: set retail:canary\.enabled to true \(measure freshness\) or false\.$/);
    const [cov] = problemsOf(prodRaw((r) => (r.operations.bridgeCoverageMin = 1.5)));
    assert.match(cov, /^retail:operations\.bridgeCoverageMin = 1\.5: .*Fix: give a share from 0 to 1/);
    const [unknown] = problemsOf(prodRaw((r) => (r.canary = { intervalMinute: 5 })));
    assert.match(unknown, /^retail:canary\.intervalMinute is not a known key\./);
  });

  it("defaults the raw-email retention to 30 days and refuses one outside 7..365 whole days, naming key, value and fix", () => {
    assert.deepEqual(parsePlatformConfig(prodRaw(), ctx).privacy, { rawEmailRetentionDays: 30 });
    // Both sides of each bound: 7 and 365 are accepted, 6 and 366 refused.
    for (const ok of [7, 365]) {
      assert.equal(
        parsePlatformConfig(
          prodRaw((r) => (r.privacy = { rawEmailRetentionDays: ok })),
          ctx,
        ).privacy.rawEmailRetentionDays,
        ok,
      );
    }
    for (const bad of [6, 366, 30.5, "30"]) {
      const [p] = problemsOf(prodRaw((r) => (r.privacy = { rawEmailRetentionDays: bad })));
      assert.match(
        p,
        new RegExp(
          `^retail:privacy\\.rawEmailRetentionDays = ${JSON.stringify(bad).replace(".", "\\.")}: .*Fix: give whole days from 7 to 365, e\\.g\\. 30: at least the 3-day merge horizon`,
        ),
      );
    }
  });

  it("defaults the re-resolution horizon to 30 days (the retention when shorter) and refuses one outside 3..365 or past the retention", () => {
    assert.equal(parsePlatformConfig(prodRaw(), ctx).reresolveHorizonDays, 30);
    assert.equal(
      parsePlatformConfig(
        prodRaw((r) => (r.privacy = { rawEmailRetentionDays: 7 })),
        ctx,
      ).reresolveHorizonDays,
      7,
    );
    for (const ok of [3, 30]) {
      assert.equal(
        parsePlatformConfig(
          prodRaw((r) => (r.operations.reresolveHorizonDays = ok)),
          ctx,
        ).reresolveHorizonDays,
        ok,
      );
    }
    for (const bad of [2, 366, 10.5]) {
      const [p] = problemsOf(prodRaw((r) => (r.operations.reresolveHorizonDays = bad)));
      assert.match(
        p,
        new RegExp(
          `^retail:operations\\.reresolveHorizonDays = ${String(bad).replace(".", "\\.")}: .*Fix: give whole days from 3 \\(the merge horizon\\) to 365, e\\.g\\. 30, no more than retail:privacy\\.rawEmailRetentionDays`,
        ),
      );
    }
    const [past] = problemsOf(
      prodRaw((r) => {
        r.operations.reresolveHorizonDays = 45;
        r.privacy = { rawEmailRetentionDays: 40 };
      }),
    );
    assert.match(
      past,
      /^retail:operations\.reresolveHorizonDays = 45: longer than privacy\.rawEmailRetentionDays = 40, .* Fix: lower reresolveHorizonDays to at most 40, or raise the retention\.$/,
    );
  });

  it("requires the before figure, retail:baselineRefreshHours, as a positive number of hours", () => {
    const [missing] = problemsOf(prodRaw((r) => delete r.baselineRefreshHours));
    assert.match(
      missing,
      /^retail:baselineRefreshHours = \(missing\): .*Fix: give the dashboards' refresh lag before this platform in hours, e\.g\. 26/,
    );
    const [zero] = problemsOf(prodRaw((r) => (r.baselineRefreshHours = 0)));
    assert.match(zero, /^retail:baselineRefreshHours = 0: /);
  });

  it("rejects a missing salt and a weak salt without printing it", () => {
    assert.match(
      problemsOf(prodRaw(), { emailHashSalt: undefined })[0],
      /^retail:emailHashSalt = \(missing\).*pulumi config set --secret retail:emailHashSalt/,
    );
    const weak = problemsOf(prodRaw(), { emailHashSalt: "hunter2" })[0];
    assert.match(weak, /^retail:emailHashSalt = \[secret, 7 characters\]: must be 32 to 128 characters/);
    assert.ok(!weak.includes("hunter2"), "the salt must never appear in a message");
  });

  it("rejects a salt kept in plain text in the stack file, still without printing it", () => {
    const [p] = problemsOf(prodRaw(), { secretKeys: ["alarmSubscription"] });
    assert.match(
      p,
      /^retail:emailHashSalt = \[\d+ characters, in plain text\]: the salt must be a Pulumi secret.*Fix: pulumi config set --secret retail:emailHashSalt/,
    );
    assert.ok(!p.includes(TEST_SALT));
    assert.doesNotThrow(() => parsePlatformConfig(prodRaw(), { ...ctx, secretKeys: ["emailHashSalt"] }));
  });

  it("never prints a value the stack stores as a secret, even a wrong one", () => {
    const raw = prodRaw((r) => (r.alarmSubscription.endpoint = 42));
    const [shown] = problemsOf(raw);
    assert.match(shown, /^retail:alarmSubscription\.endpoint = 42: /);
    const [hidden] = problemsOf(raw, { secretKeys: ["emailHashSalt", "alarmSubscription"] });
    assert.match(hidden, /^retail:alarmSubscription\.endpoint = \[secret\]: /);
  });

  it("rejects an alarm endpoint that does not fit its protocol, and a CIDR octet above 255", () => {
    const sub = (protocol: string, endpoint: string) => problemsOf(prodRaw((r) => (r.alarmSubscription = { protocol, endpoint })));
    for (const [protocol, endpoint] of [
      ["email", "oncall"],
      ["https", "oncall@example.com"],
      ["sqs", "my-queue"],
      ["lambda", "arn:aws:sqs:us-east-1:123456789012:q"],
    ]) {
      assert.match(
        sub(protocol, endpoint)[0],
        new RegExp(`^retail:alarmSubscription\\.endpoint = .*: does not fit the protocol`),
        `${protocol} ${endpoint}`,
      );
    }
    assert.doesNotThrow(() =>
      parsePlatformConfig(
        prodRaw((r) => (r.alarmSubscription = { protocol: "https", endpoint: "https://events.example.com/x" })),
        ctx,
      ),
    );
    const [cidr] = problemsOf(prodRaw((r) => (r.network.vpcCidr = "999.40.0.0/16")));
    assert.match(cidr, /^retail:network\.vpcCidr = "999\.40\.0\.0\/16": must be an IPv4 CIDR from \/16 to \/24/);
  });

  it("refuses a daily scan budget below the per-query cutoff and an empty owner map before any resource exists", () => {
    const [budget] = problemsOf(prodRaw((r) => (r.athena.dailyScanBudgetBytes = r.athena.bytesScannedCutoffPerQuery - 1)));
    assert.match(
      budget,
      /^retail:athena\.dailyScanBudgetBytes = \d+: below bytesScannedCutoffPerQuery = \d+, .*Fix: raise dailyScanBudgetBytes or lower the cutoff\.$/,
    );
    const [owners] = problemsOf(prodRaw((r) => (r.quicksight.ownerGroups = {})));
    assert.match(owners, /^retail:quicksight\.ownerGroups = \{\}: every KPI owner team needs a QuickSight group\. Fix: /);
  });

  it("refuses a key in a namespace nothing reads: a misspelled retail: would silently leave the rollback switch off", () => {
    const [p] = problemsOf(prodRaw(), { allKeys: ["aws:region", "retail:environment", "retial:goldChannelMode"] });
    assert.equal(
      p,
      'retial:goldChannelMode: no part of this program reads the "retial" namespace, so the value would be ignored. Fix: correct it to retail:goldChannelMode (or one of retail, aws, aws-native, awsx, pulumi), or remove it.',
    );
    assert.doesNotThrow(() =>
      parsePlatformConfig(prodRaw(), { ...ctx, allKeys: ["aws:region", "aws-native:region", "pulumi:tags", "retail:environment"] }),
    );
  });

  it("refuses batch settings its source kind would ignore, and a VPC no jdbc source uses", () => {
    const jdbcIndex = prodRaw().dataProducts.findIndex((d: any) => d.batch?.sourceKind === "jdbc");
    const s3Index = prodRaw().dataProducts.findIndex((d: any) => d.batch?.sourceKind === "s3");
    const [uri] = problemsOf(prodRaw((r) => (r.dataProducts[jdbcIndex].batch.sourceUri = "s3://x-bucket/p")));
    assert.match(
      uri,
      new RegExp(
        `^retail:dataProducts\\[${jdbcIndex}\\]\\.batch\\.sourceUri = "s3://x-bucket/p": a jdbc source reads its database, so this would be ignored\\.`,
      ),
    );
    const [secret] = problemsOf(prodRaw((r) => (r.dataProducts[s3Index].batch.connectionSecretName = "retail/prod/x")));
    assert.match(secret, /batch\.connectionSecretName = "retail\/prod\/x": an s3 source reads files, so this would be ignored\./);
    const [vpc] = problemsOf(prodRaw((r) => (r.dataProducts[jdbcIndex].batch = { ...r.dataProducts[s3Index].batch })));
    assert.match(
      vpc,
      /^retail:network = .*only a jdbc batch source uses the VPC, and none is configured, so it would be ignored\. Fix: remove network\.$/,
    );
  });

  it("takes the jdbc secret as a plain name: no wildcard (it becomes an IAM resource), no ARN", () => {
    const jdbc = (v: string) =>
      problemsOf(prodRaw((r) => (r.dataProducts.find((d: any) => d.batch?.sourceKind === "jdbc").batch.connectionSecretName = v)));
    assert.match(
      jdbc("*")[0],
      /^retail:dataProducts\[\d\]\.batch\.connectionSecretName = "\*": must be a Secrets Manager secret name \(.*no wildcard, not an ARN\)/,
    );
    assert.match(jdbc("retail/prod/*")[0], /connectionSecretName = "retail\/prod\/\*": must be a Secrets Manager secret name/);
    assert.match(
      jdbc("arn:aws:secretsmanager:eu-west-1:1:secret:x")[0],
      /connectionSecretName = "arn:aws:secretsmanager:eu-west-1:1:secret:x": must be a Secrets Manager secret name/,
    );
  });

  it("rejects a jdbc source without a network, and an s3 source without its URI", () => {
    const noNet = problemsOf(prodRaw((r) => delete r.network));
    assert.deepEqual(noNet, [
      "retail:network = (missing): a jdbc batch source needs a VPC for its Glue connection. Fix: add network {vpcCidr, availabilityZones}.",
    ]);
    const noUri = problemsOf(prodRaw((r) => delete r.dataProducts[3].batch.sourceUri));
    assert.deepEqual(noUri, [
      "retail:dataProducts[3].batch.sourceUri = (missing): an s3 source needs its extract location. Fix: set sourceUri: s3://bucket/prefix.",
    ]);
  });

  it("rejects a Glue timeout that is not shorter than its lane's cadence, before any resource exists", () => {
    const [p] = problemsOf(prodRaw((r) => (r.dataProducts[4].batch.timeoutMinutes = 60)));
    assert.equal(
      p,
      "retail:dataProducts[4].batch.timeoutMinutes = 60: not shorter than the batch-hourly cadence (60 min), so runs could pile up. Fix: set it below 60.",
    );
  });

  it("rejects duplicate product names and a stack/environment mismatch together", () => {
    const problems = problemsOf(
      prodRaw((r) => {
        r.dataProducts[1].name = "cart_events";
        r.environment = "dev";
        r.protectStateful = true;
      }),
    );
    assert.ok(
      problems.some((p) => p.startsWith('retail:dataProducts[1].name = "cart_events": duplicate data product.')),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((p) => p.startsWith('retail:environment = "dev": stack "prod" must declare environment "prod".')),
      problems.join("\n"),
    );
  });

  it("reports every problem at once, not just the first", () => {
    const problems = problemsOf(
      prodRaw((r) => {
        r.goldChannelMode = "web-only";
        r.operations.reconcileHourUtc = 25;
      }),
    );
    assert.equal(problems.length, 2);
    assert.ok(problems[0].startsWith('retail:goldChannelMode = "web-only"'));
    assert.ok(problems[1].startsWith("retail:operations.reconcileHourUtc = 25"));
  });
});
