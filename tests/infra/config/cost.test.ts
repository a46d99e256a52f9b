import { strict as assert } from "assert";
import { estimateCost } from "../../../core/cost";
import { shardQuotaAdvisory, streamCostProblem, streamsMonthlyCost } from "../../../infra/config/accepts";
import { costCeilingFinding } from "../../../local/findings";

const stream = (name: string, peakRecordsPerSecond: number, avgRecordBytes: number, capacityMode: "provisioned" | "on-demand" = "provisioned") => ({
  name,
  freshnessMinutes: 5,
  stream: { peakRecordsPerSecond, avgRecordBytes, capacityMode },
});

describe("config: the monthly cost ceiling and the shard quota", () => {
  const streams = [stream("cart_events", 8000, 1024), stream("pos_transactions", 1500, 768)];
  const { total } = streamsMonthlyCost(streams);

  it("prices the configured streams with the plan's own model: shard-hours as the lane sizes them", () => {
    const cart = streamsMonthlyCost([stream("cart_events", 8000, 1024)]).byProduct[0];
    const shardHours = cart.items.find((i) => i.unit === "shard-hour")!;
    assert.equal(shardHours.quantity, 8 * 730);
    assert.equal(streamsMonthlyCost([stream("c", 8000, 1024, "on-demand")]).byProduct[0].items.filter((i) => i.unit === "shard-hour").length, 0);
  });

  it("refuses streams above the ceiling and accepts them at it (inclusive boundary), naming the key, the estimate and the dearest product", () => {
    assert.equal(streamCostProblem(streams, total), undefined);
    const p = streamCostProblem(streams, total - 0.01)!;
    assert.match(
      p,
      /^retail:monthlyCostCeilingUsd = [\d.]+: the streams alone are estimated at \$[\d,.]+ a month \(cart_events \$[\d,.]+, pos_transactions/,
    );
    assert.match(p, /The dearest, cart_events, declares 8000 records\/s of 1024 B \(8 shards\)\. Fix:/);
  });

  it("advises when provisioned shards pass the Region's default quota, or the account's configured one, and not at it", () => {
    const big = [stream("a", 600_000, 100), stream("b", 400_000, 100)]; // 600 + 400 shards
    assert.equal(shardQuotaAdvisory(big, "eu-central-1"), undefined, "1,000 shards is the default quota, not over it");
    const over = [...big, stream("c", 1000, 100)];
    assert.match(
      shardQuotaAdvisory(over, "eu-central-1")!,
      /1001 provisioned shards \(a 600, b 400, c 1\) exceed Kinesis's default shard quota in eu-central-1, 1000 shards/,
    );
    assert.equal(shardQuotaAdvisory(over, "us-east-1"), undefined, "us-east-1's default is 20,000");
    assert.match(shardQuotaAdvisory(over, "us-east-1", 1000)!, /exceed retail:kinesisShardQuota, 1000 shards/);
    assert.equal(
      shardQuotaAdvisory([stream("d", 10_000_000 / 10, 100, "on-demand"), ...big], "eu-central-1"),
      undefined,
      "on-demand streams take no provisioned shards",
    );
  });

  it("files the whole plan above the stack's ceiling as a mandatory stack-wide finding, and nothing at it", () => {
    const cost = estimateCost([{ type: "aws:kinesis/stream:Stream", name: "s", urn: "u", inputs: { shardCount: 10, tags: {} } }]);
    assert.equal(cost.monthlyUsd, 109.5);
    assert.deepEqual(costCeilingFinding(cost, { "retail:monthlyCostCeilingUsd": "109.5" }), []);
    assert.deepEqual(costCeilingFinding(cost, {}), [], "a program without the key is held to no ceiling");
    for (const bad of ["lots", "0", "-5", ""]) {
      const [u] = costCeilingFinding(cost, { "retail:monthlyCostCeilingUsd": bad });
      assert.equal(u?.enforcementLevel, "mandatory", `${JSON.stringify(bad)} must not read as no ceiling`);
      assert.match(u.message, /is not a positive number of USD\. Fix:/);
    }
    const [f] = costCeilingFinding(cost, { "retail:monthlyCostCeilingUsd": "109.49" });
    assert.equal(f.policy, "monthly-cost-ceiling");
    assert.equal(f.enforcementLevel, "mandatory");
    assert.match(f.message, /\$109\.5 a month, above retail:monthlyCostCeilingUsd = 109\.49 \(largest: Kinesis s \$109\.5\)/);
  });
});
