import { strict as assert } from "assert";
import { TAG } from "../../core/tags";
import { amazonQTopicStewardApproved } from "../../policy/rules/amazonq";
import { runPolicy, tagList } from "./harness";

const topic = (tags: Record<string, string>) => ({
  type: "aws-native:quicksight:Topic",
  name: "cart-abandonment-q",
  props: { topicId: "cart_abandonment", name: "Cart abandonment", tags: tagList(tags) },
});

describe("policy: Amazon Q topics only on steward-approved KPIs", () => {
  it("Compliance: an approved KPI", async () => {
    const out = await runPolicy(amazonQTopicStewardApproved, topic({ [TAG.kpi]: "cart_abandonment", [TAG.stewardApproved]: "true" }));
    assert.deepEqual(out.violations, []);
  });

  it("Noncompliance 1: a KPI that is not steward-approved", async () => {
    const out = await runPolicy(amazonQTopicStewardApproved, topic({ [TAG.kpi]: "cart_abandonment", [TAG.stewardApproved]: "false" }));
    assert.equal(amazonQTopicStewardApproved.enforcementLevel, "mandatory");
    assert.deepEqual(out.violations, [
      'Amazon Q topic "cart-abandonment-q" covers KPI "cart_abandonment" with retail:steward-approved = "false"; only steward-approved KPIs get a topic. ' +
        "Fix: get the KPI definition approved by its steward (steward-approved = true in the KPI catalog), or remove the topic.",
    ]);
  });

  it("Noncompliance 2: no KPI tag at all", async () => {
    const out = await runPolicy(amazonQTopicStewardApproved, topic({}));
    assert.match(out.violations[0], /^Amazon Q topic "cart-abandonment-q" has no retail:kpi tag/);
  });
});
