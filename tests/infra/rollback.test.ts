import { strict as assert } from "assert";
import { formatUtc, modeIngestionId, parseUtc, rollbackDeadline, schedulerAt } from "../../core/rollback";
import { byType, ProgramRun } from "../../local/harness";
import { modeSwitchFindings } from "../../local/diff";
import { platformConfig } from "../support/config";
import { runStack, runWith } from "../support/stacks";

const INGESTION = "aws:quicksight/ingestion:Ingestion";
const SCHEDULE = "aws:scheduler/schedule:Schedule";

describe("rollback switch: guarded", () => {
  describe("core/rollback", () => {
    it("reads only real UTC times written as config takes them", () => {
      assert.equal(parseUtc("2026-12-04T10:00:00Z")?.toISOString(), "2026-12-04T10:00:00.000Z");
      assert.equal(parseUtc("2026-12-04T10:00Z")?.toISOString(), "2026-12-04T10:00:00.000Z");
      for (const bad of [
        "2026-12-04 10:00:00Z",
        "2026-12-04T10:00:00",
        "2026-12-04T10:00:00+01:00",
        "2026-02-30T10:00:00Z",
        "2026-12-04T24:00:00Z",
        "yesterday",
      ])
        assert.equal(parseUtc(bad), undefined, bad);
    });

    it("alarms 48 hours after the switch, as a one-time Scheduler expression; a new switch time is a new ingestion id", () => {
      const since = parseUtc("2026-12-04T10:30:00Z")!;
      assert.equal(formatUtc(rollbackDeadline(since)), "2026-12-06T10:30:00Z");
      assert.equal(schedulerAt(rollbackDeadline(since)), "at(2026-12-06T10:30:00)");
      const id = modeIngestionId("store-only", since);
      assert.equal(id, "mode-store-only-20261204T103000");
      assert.match(id, /^[\w-]{1,128}$/, "QuickSight's ingestion id rule");
      assert.notEqual(modeIngestionId("omnichannel", since), id);
      assert.notEqual(modeIngestionId("store-only", parseUtc("2026-12-04T10:31:00Z")!), id);
    });
  });

  describe("config", () => {
    it("refuses a missing or unreal retail:goldChannelModeSince, naming the key, the value and the fix", () => {
      for (const [value, shown] of [
        [undefined, "(missing)"],
        ["2026-12-04 10:00", '"2026-12-04 10:00"'],
        ["2026-02-30T00:00:00Z", '"2026-02-30T00:00:00Z"'],
        ["2999-01-01T00:00:00Z", '"2999-01-01T00:00:00Z"'],
      ] as const) {
        assert.throws(
          () =>
            platformConfig("prod", (raw) => {
              if (value === undefined) delete raw.goldChannelModeSince;
              else raw.goldChannelModeSince = value;
            }),
          (e: Error) =>
            e.message.includes(`retail:goldChannelModeSince = ${shown}`) && /Fix: set it to the UTC time the current mode began/.test(e.message),
          String(value),
        );
      }
    });
  });

  describe("plan --against: a mode switch records its time", () => {
    const plan = (mode: string, since: string) => ({ goldChannelMode: { mode, since, viewSources: {} } });
    it("files a mandatory finding for a switch that keeps the earlier since, and none for a recorded one or no switch", () => {
      const [f] = modeSwitchFindings(plan("omnichannel", "2026-12-01T00:00:00Z"), plan("store-only", "2026-12-01T00:00:00Z"));
      assert.deepEqual([f.policy, f.enforcementLevel], ["rollback-switch-recorded", "mandatory"]);
      assert.match(
        f.message,
        /switches omnichannel -> store-only but retail:goldChannelModeSince stays 2026-12-01T00:00:00Z\. Fix: pulumi config set/,
      );
      assert.deepEqual(modeSwitchFindings(plan("omnichannel", "2026-12-01T00:00:00Z"), plan("store-only", "2026-12-04T08:00:00Z")), []);
      assert.deepEqual(modeSwitchFindings(plan("omnichannel", "2026-12-01T00:00:00Z"), plan("omnichannel", "2026-12-01T00:00:00Z")), []);
      assert.deepEqual(modeSwitchFindings({}, plan("store-only", "2026-12-01T00:00:00Z")), [], "an earlier plan without the output");
    });
  });

  describe("in the prod plan", () => {
    let omni: ProgramRun;
    let storeOnly: ProgramRun;
    before(async () => {
      omni = await runStack("prod");
      storeOnly = await runWith("prod", { "retail:goldChannelMode": "store-only", "retail:goldChannelModeSince": "2026-12-04T08:00:00Z" });
    });

    it("every SPICE dataset is re-ingested by the deploy that switches the mode, after the views it reads", () => {
      const spice = byType(omni, "aws:quicksight/dataSet:DataSet").filter((d) => d.inputs.importMode === "SPICE");
      const ids = (run: ProgramRun) => Object.fromEntries(byType(run, INGESTION).map((i) => [i.inputs.dataSetId, i.inputs.ingestionId]));
      assert.deepEqual(Object.keys(ids(omni)).sort(), spice.map((d) => d.inputs.dataSetId).sort());
      for (const id of Object.values(ids(omni))) assert.equal(id, "mode-omnichannel-20261201T000000");
      for (const id of Object.values(ids(storeOnly))) assert.equal(id, "mode-store-only-20261204T080000");
      for (const i of byType(storeOnly, INGESTION)) {
        assert.equal(i.inputs.ingestionType, "FULL_REFRESH");
        const views = byType(storeOnly, "pulumi-nodejs:dynamic/retail:AthenaView").map((v) => v.urn);
        assert.ok(views.length > 0 && views.every((v) => i.dependencies.includes(v)), `${i.name} waits for every gold view`);
      }
    });

    it("store-only pages the alarm topic 48 h after the switch, under a role that may only publish there; omnichannel has no watch", () => {
      const watch = (run: ProgramRun) => byType(run, SCHEDULE).filter((s) => s.name.endsWith("-rollback-watch"));
      assert.deepEqual(watch(omni), []);
      const [s] = watch(storeOnly);
      assert.equal(s.inputs.scheduleExpression, "at(2026-12-06T08:00:00)");
      const [topic] = byType(storeOnly, "aws:sns/topic:Topic");
      assert.equal(s.inputs.target.arn, topic.state.arn);
      assert.match(JSON.parse(s.inputs.target.input).message, /since 2026-12-04T08:00:00Z, past the 48 h/);
      const role = byType(storeOnly, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name.endsWith("-rollback-watch"))!;
      const statements = JSON.parse(role.inputs.policy).Statement;
      assert.deepEqual(
        statements.map((x: { Action: string[]; Resource: string[] }) => [x.Action, x.Resource]),
        [
          [["sns:Publish"], [topic.state.arn]],
          [["kms:Decrypt", "kms:GenerateDataKey"], [byType(storeOnly, "aws:kms/key:Key")[0].state.arn]],
        ],
      );
    });

    it("exports the mode and since when", () => {
      assert.deepEqual((storeOnly.outputs.goldChannelMode as { mode: string; since: string }).since, "2026-12-04T08:00:00Z");
      assert.equal((storeOnly.outputs.goldChannelMode as { mode: string }).mode, "store-only");
    });
  });
});
