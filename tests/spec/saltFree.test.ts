import { strict as assert } from "assert";
import { EMAIL_SALT_REF } from "../../core/emailSalt";
import { loadSql } from "../../core/sql/files";
import { MergeSettings, runMerge } from "../../functions/merge";
import { byType, ProgramRun } from "../../local/harness";
import { fakeRunner, RecordingAlerts } from "../functions/fakes";
import { runWith } from "../support/stacks";
import { PROBE_SALT, sentFromSqlDir } from "./sentSql";
import { SQL_DIR } from "../../core/paths";

/**
 * The salt is in no statement the platform sends to Athena (Athena keeps every query's text in its history), nor in
 * any resource input or output of the plan but the salt object's own (secret) body. "The salt" is any 8 characters of
 * it in a row, so a prefix, suffix or a piece spliced into a literal is caught too.
 */
const PIECE = 8;
const pieces = (salt: string) => Array.from({ length: salt.length - PIECE + 1 }, (_, i) => salt.slice(i, i + PIECE));

function leaks(where: string, text: string, salt = PROBE_SALT): string[] {
  return pieces(salt)
    .filter((p) => text.includes(p))
    .slice(0, 1)
    .map((p) => `${where} carries "${p}" of the salt`);
}

const PRODUCTS = ["cart_events", "pos_transactions", "loyalty_redemptions", "erp_inventory", "loyalty_tier"];

describe("spec: the email-hash salt is in no query text", () => {
  let prod: ProgramRun;
  before(async () => {
    prod = await runWith("prod", { "retail:emailHashSalt": PROBE_SALT });
  });

  it("no statement rendered from sql/ (merge, bridge, reconcile, freshness, gold views) carries any 8 characters of it", () => {
    const { statements } = sentFromSqlDir(SQL_DIR);
    assert.ok(statements.length > 20);
    assert.deepEqual(
      statements.flatMap((s) => leaks(s.source, s.sql)),
      [],
    );
    // Hashing still happens: every statement that hashes an email reads the salt from its table.
    const hashing = statements.filter((s) => /lower\(trim\((?:[a-z]+\.)?email\)\)/.test(s.sql));
    assert.ok(hashing.length >= 3, "the bridge, loyalty_tier and the loyalty resolution hash emails");
    for (const s of hashing) assert.ok(s.sql.includes(`concat((SELECT salt FROM ${EMAIL_SALT_REF}), lower(trim(`), s.source);
  });

  it("what the merge handler sends for every product, bridge first, carries none of it", async () => {
    const runner = fakeRunner([[/./, [{ Count: 0 }]]]);
    const settings: MergeSettings = {
      products: Object.fromEntries(PRODUCTS.map((p) => [p, { sql: loadSql(`merge/${p}.sql`), lookbackMinutes: 30, refreshesBridge: true }])),
      bridgeSql: loadSql("bridge/identity_bridge.sql"),
    };
    for (const product of PRODUCTS)
      await runMerge({ product, scheduledTime: "2026-07-01T00:10:00Z" }, settings, { runner, alerts: new RecordingAlerts(), now: () => new Date() });
    assert.ok(runner.statements.length >= 2 * PRODUCTS.length);
    assert.deepEqual(
      runner.statements.flatMap((sql, i) => leaks(`merge statement ${i + 1}`, sql)),
      [],
    );
  });

  it("no resource input or output of the prod plan carries it, but the salt object's secret body", () => {
    const object = byType(prod, "aws:s3/bucketObjectv2:BucketObjectv2").find((o) => o.inputs.key === "email_salt/salt.txt")!;
    assert.equal(object.inputs.content.value, `${PROBE_SALT}\n`, "the deployment writes the salt table's one row");
    assert.ok(
      Object.keys(object.inputs.content).some((k) => k !== "value"),
      "as a secret",
    );
    const found = prod.resources.flatMap((r) => {
      const inputs = r === object ? { ...r.inputs, content: "[secret]" } : r.inputs;
      const state = r === object ? { ...r.state, content: "[secret]" } : r.state;
      return leaks(`${r.type} ${r.name}`, JSON.stringify({ inputs, state }));
    });
    assert.deepEqual([...found, ...leaks("outputs", JSON.stringify(prod.outputs))], []);
  });

  it("control: a salt spliced into a statement, whole or in part, is found", () => {
    assert.equal(leaks("x", `SELECT concat('${PROBE_SALT}', email)`).length, 1);
    assert.equal(leaks("x", `SELECT '${PROBE_SALT.slice(5, 5 + PIECE)}'`).length, 1);
    assert.deepEqual(leaks("x", `SELECT '${PROBE_SALT.slice(5, 5 + PIECE - 1)}'`), []);
  });
});
