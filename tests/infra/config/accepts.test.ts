import { strict as assert } from "assert";
import { checkCatalogFit, ConfigError, decodeConfigValue, parsePlatformConfig } from "../../../infra/config";
import { stackConfig, TEST_SALT } from "../../support/stacks";

/** A committed stack file as the program sees it (JSON-decoded, without the salt), with one change applied. */
function raw(stack: "dev" | "prod", change: (r: Record<string, any>) => void = () => undefined): Record<string, any> {
  const r: Record<string, any> = {};
  for (const [k, v] of Object.entries(stackConfig(stack))) {
    if (k.startsWith("retail:") && k !== "retail:emailHashSalt") r[k.slice("retail:".length)] = decodeConfigValue(v);
  }
  change(r);
  return r;
}

const ctx = (stack: "dev" | "prod") => ({ project: "retail-analytics", stack, region: "us-east-1", emailHashSalt: TEST_SALT });

function problems(stack: "dev" | "prod", change: (r: Record<string, any>) => void): string[] {
  try {
    parsePlatformConfig(raw(stack, change), ctx(stack));
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    return [...e.problems];
  }
  return [];
}

const prod = (change: (r: Record<string, any>) => void) => problems("prod", change);
const product = (r: Record<string, any>, name: string) => r.dataProducts.find((p: any) => p.name === name);

describe("config: what AWS accepts", () => {
  describe("derived resource names", () => {
    it("refuses the issue's 42-character product: a 71-character Firehose stream and role, a 69-character bucket, a 72-character schedule", () => {
      const name = "cart_events_" + "x".repeat(30);
      assert.equal(name.length, 42);
      const [p, ...rest] = prod((r) => (product(r, "cart_events").name = name));
      assert.deepEqual(rest, []);
      const lane = `retail-prod-${name.replace(/_/g, "-")}`;
      assert.equal(
        p,
        `retail:dataProducts[0].name = "${name}" (42 characters) makes names AWS would refuse: ` +
          `Firehose stream "${lane}-delivery-xxxxxxx" (71 characters, over the 64 AWS allows); ` +
          `IAM role "${lane}-firehose-xxxxxxx" (71 characters, over the 64 AWS allows); ` +
          `S3 bucket "${lane}-errors-xxxxxxx" (69 characters, over the 63 AWS allows); ` +
          `EventBridge Scheduler schedule "retail-prod-ops-merge-${name.replace(/_/g, "-")}-xxxxxxx" (72 characters, over the 64 AWS allows) ` +
          `(x's stand for the 7 random characters Pulumi appends). Fix: shorten it to at most 34 characters.`,
      );
    });

    it("takes a stream product of 34 characters and refuses 35, whose merge schedule would be 65 characters", () => {
      const named = (n: number) => prod((r) => (product(r, "cart_events").name = "c".repeat(n)));
      assert.deepEqual(named(34), []);
      const [p] = named(35);
      assert.match(
        p,
        /^retail:dataProducts\[0\]\.name = "c{35}" \(35 characters\) makes names AWS would refuse: EventBridge Scheduler schedule .* \(65 characters, over the 64 AWS allows\)/,
      );
      assert.doesNotMatch(p, /Firehose stream/, "the Firehose stream is 64 characters: exactly its limit");
    });

    it("holds a batch product to its Glue role and EventBridge rules and targets: 34 characters pass, 35 do not", () => {
      const named = (n: number) => prod((r) => (product(r, "loyalty_tier").name = "l".repeat(n)));
      assert.deepEqual(named(34), []);
      const [p] = named(35);
      assert.match(p, /EventBridge rule "retail-prod-ops-merge-l{35}-xxxxxxx" \(65 characters, over the 64 AWS allows\)/);
      assert.match(p, /EventBridge target id "retail-prod-ops-merge-l{35}-xxxxxxx" \(65 characters/);
      assert.match(p, /Fix: shorten it to at most 34 characters\.$/);
      // dev's prefix is a character shorter, so dev takes one more.
      assert.deepEqual(
        problems("dev", (r) => (product(r, "loyalty_tier").name = "l".repeat(35))),
        [],
      );
    });

    it("holds an owner team to its Athena workgroup name (128 characters): a 111-character slug passes, 112 does not", () => {
      const team = (n: number) =>
        prod((r) => {
          r.quicksight.ownerGroups["T".repeat(n)] = "long-team-analysts";
        });
      assert.deepEqual(team(111), []);
      const [p] = team(112);
      assert.match(
        p,
        /^retail:quicksight\.ownerGroups \(team "T{112}"\) \(112 characters\) makes names AWS would refuse: Athena workgroup "retail-prod-gold-t{112}" \(129 characters, over the 128 AWS allows\)\. Fix: shorten it to at most 111 characters\.$/,
      );
    });
  });

  describe("logRetentionDays", () => {
    it("takes CloudWatch's values (1, 14, 3653) and refuses 13 naming the nearest, 7 and 14", () => {
      for (const days of [1, 14, 3653])
        assert.deepEqual(
          prod((r) => (r.operations.logRetentionDays = days)),
          [],
          `${days}`,
        );
      assert.deepEqual(
        prod((r) => (r.operations.logRetentionDays = 13)),
        [
          "retail:operations.logRetentionDays = 13: CloudWatch Logs keeps log events only 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days, and refuses anything in between. Fix: use 7 or 14.",
        ],
      );
      assert.match(prod((r) => (r.operations.logRetentionDays = 2))[0], /Fix: use 1 or 3\.$/);
      assert.match(prod((r) => (r.operations.logRetentionDays = 3652))[0], /Fix: use 3288 or 3653\.$/);
    });
  });

  describe("QuickSight namespace", () => {
    it('takes "default" and 64 of letters, digits, . _ -; refuses "my ns/../x" and 65 characters', () => {
      for (const ns of ["default", "retail.ops_team-2", "n".repeat(64)])
        assert.deepEqual(
          prod((r) => (r.quicksight.namespace = ns)),
          [],
          ns,
        );
      const [bad] = prod((r) => (r.quicksight.namespace = "my ns/../x"));
      assert.match(
        bad,
        /^retail:quicksight\.namespace = "my ns\/\.\.\/x": must be a QuickSight namespace name \(letters, digits, _ \. -; CreateNamespace refuses anything else\)\. Fix: give the QuickSight namespace, usually "default"/,
      );
      assert.match(prod((r) => (r.quicksight.namespace = "n".repeat(65)))[0], /^retail:quicksight\.namespace = "n{65}": .*64/);
    });
  });

  describe("a stream's freshness need against the path it sizes", () => {
    it("refuses a 2-minute need, whose own buffering and merge take 4 minutes, naming both numbers and the nearest need it meets", () => {
      assert.deepEqual(
        prod((r) => (product(r, "cart_events").freshnessMinutes = 2)),
        [
          'retail:dataProducts[0].freshnessMinutes = 2: "cart_events" cannot reach silver within 2 min on a stream: the path this need sizes is ' +
            "Firehose buffering (60 s) 1 min + wait for the next silver MERGE (every 1 min) 1 min + silver MERGE run (timeout 120 s) 2 min = 4 min. " +
            "Fix: set freshnessMinutes to 5, the nearest need above 2 a stream meets (its path is 5 min).",
        ],
      );
    });

    it("takes 5 (path 5) and 7 (path 6.4), refuses 4 (path 5) and 6 (path 6.2)", () => {
      const need = (m: number) => prod((r) => (product(r, "cart_events").freshnessMinutes = m));
      assert.deepEqual(need(5), []);
      assert.deepEqual(need(7), []);
      assert.match(need(4)[0], /= 5 min\. Fix: set freshnessMinutes to 5,/);
      assert.match(need(6)[0], /= 6\.2 min\. Fix: set freshnessMinutes to 7,/);
    });
  });

  describe("reconcile hour against the daily batch window", () => {
    it("prod's window is 02:30–04:32 (erp_inventory's 120 min + the 2-min merge): 2 and 5 pass, 3 and 4 do not", () => {
      const hour = (h: number) => prod((r) => (r.operations.reconcileHourUtc = h));
      assert.deepEqual(hour(2), []);
      assert.deepEqual(hour(5), []);
      assert.deepEqual(hour(3), [
        "retail:operations.reconcileHourUtc = 3: 03:00 UTC is inside the daily batch window 02:30–04:32 UTC (the batch-daily Glue runs start at 02:30; the longest, erp_inventory, may run 120 min, then its silver MERGE 2 min), when bronze holds rows silver has not merged yet, so reconciliation would report drift that is not there. Fix: set it to 5, the first whole hour after the window, or later.",
      ]);
      assert.match(hour(4)[0], /^retail:operations\.reconcileHourUtc = 4: 04:00 UTC is inside/);
    });

    it("dev's window is 02:30–03:02: 3 is inside, 4 is not; with no daily product any hour is fine", () => {
      assert.match(problems("dev", (r) => (r.operations.reconcileHourUtc = 3))[0], /inside the daily batch window 02:30–03:02 UTC/);
      assert.deepEqual(
        problems("dev", (r) => (r.operations.reconcileHourUtc = 4)),
        [],
      );
      const noDaily = (r: Record<string, any>) => {
        r.dataProducts = r.dataProducts.filter((p: any) => p.semantics === "event");
        r.operations.reconcileHourUtc = 3;
      };
      assert.deepEqual(problems("dev", noDaily), []);
    });
  });

  describe("VPC CIDR host bits", () => {
    it("takes network addresses and refuses host bits, naming the network it probably meant", () => {
      for (const cidr of ["10.40.0.0/16", "10.40.255.0/24", "172.16.0.0/20"])
        assert.deepEqual(
          prod((r) => (r.network.vpcCidr = cidr)),
          [],
          cidr,
        );
      assert.deepEqual(
        prod((r) => (r.network.vpcCidr = "10.40.1.0/16")),
        [
          "retail:network.vpcCidr = \"10.40.1.0/16\": host bits are set (a /16 network's address ends in 16 zero bits), and EC2 takes a VPC's CIDR block by its network address. Fix: set it to 10.40.0.0/16, the /16 network that address is in, or 10.40.1.0/24 if that smaller block is the one meant.",
        ],
      );
      const [lastHostBit] = prod((r) => (r.network.vpcCidr = "10.40.255.1/24"));
      assert.match(lastHostBit, /Fix: set it to 10\.40\.255\.0\/24, the \/24 network that address is in\.$/);
      assert.match(prod((r) => (r.network.vpcCidr = "172.16.8.0/20"))[0], /Fix: set it to 172\.16\.0\.0\/20, .* or 172\.16\.8\.0\/21 /);
    });
  });

  describe("owner teams", () => {
    it("refuses a team whose workgroup suffix is the gold layer's own, another team's, or empty", () => {
      assert.deepEqual(
        prod((r) => (r.quicksight.ownerGroups.Platform = "platform-analysts")),
        [
          'retail:quicksight.ownerGroups (team "Platform"): makes the workgroup suffix "platform", which the gold layer\'s own workgroup uses. Fix: rename the team.',
        ],
      );
      assert.match(
        prod((r) => (r.quicksight.ownerGroups["supply-chain"] = "x"))[0],
        /team "supply-chain"\): makes the workgroup suffix "supply-chain", as "Supply chain" does/,
      );
      assert.match(prod((r) => (r.quicksight.ownerGroups["!!"] = "x"))[0], /team "!!"\): has no letter or digit/);
      assert.deepEqual(
        prod((r) => (r.quicksight.ownerGroups["Platform ops"] = "x")),
        [],
      );
    });

    it("refuses owner teams no KPI uses, naming them and the catalog's teams; takes a config whose every team owns a KPI", () => {
      const cfg = parsePlatformConfig(raw("prod"), ctx("prod"));
      const kpis = Object.keys(cfg.quicksight.ownerGroups).map((ownerTeam) => ({ ownerTeam }));
      assert.doesNotThrow(() => checkCatalogFit(cfg, kpis, "core/catalog/retail-kpi-catalog.csv"));
      assert.throws(
        () => checkCatalogFit(cfg, kpis.slice(1), "core/catalog/retail-kpi-catalog.csv"),
        (e: ConfigError) => {
          assert.deepEqual(e.problems, [
            `retail:quicksight.ownerGroups: "${kpis[0].ownerTeam}" owns no KPI in core/catalog/retail-kpi-catalog.csv, so its group would get no data source and the mapping would be ignored. Fix: remove it, or correct the spelling to the catalog's owner_team (${kpis
              .slice(1)
              .map((k) => k.ownerTeam)
              .sort()
              .join(", ")}).`,
          ]);
          return true;
        },
      );
    });
  });

  it("reports a wrong type anywhere in the committed config as a ConfigError naming the key, never another error", () => {
    const paths: string[][] = [];
    const walk = (v: unknown, p: string[]) => {
      if (p.length > 0) paths.push(p);
      if (v && typeof v === "object") for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...p, k]);
    };
    walk(raw("prod"), []);
    assert.ok(paths.length > 50, `${paths.length} keys`);
    for (const p of paths) {
      for (const wrong of [null, "x", -1, 1.5, [], {}, true]) {
        const r = raw("prod");
        const parent = p.slice(0, -1).reduce((o, k) => o[k], r);
        parent[p[p.length - 1]] = wrong;
        try {
          parsePlatformConfig(r, ctx("prod"));
        } catch (e) {
          assert.ok(e instanceof ConfigError, `${p.join(".")} = ${JSON.stringify(wrong)}: ${e}`);
          assert.ok(
            e.problems.every((m) => m.includes("Fix:")),
            `${p.join(".")}: ${e.problems.join(" | ")}`,
          );
        }
      }
    }
  });
});
