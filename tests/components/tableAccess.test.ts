import * as assert from "assert";
import * as path from "path";
import { byType, ProgramRun, runProgram } from "../../local/harness";
import { grantTableWrite, TableBucketRef } from "../../components/tableAccess";
import { ACCOUNT } from "../support/arns";

const PROGRAM = path.join(__dirname, "..", "fixtures", "table-grants", "index.ts");
const BUCKET = "arn:aws:s3tables:us-east-1:123456789012:bucket/retail-prod-tables";
const GLUE = "arn:aws:glue:us-east-1:123456789012";

type Doc = { Statement: { Sid: string; Action: string[]; Resource: string[] }[] };

describe("IcebergNamespace grants (the owner grants access to its tables)", function () {
  this.timeout(60_000);
  let run: ProgramRun;
  const sids = (output: string) => Object.fromEntries((JSON.parse(run.outputs[output] as string) as Doc).Statement.map((s) => [s.Sid, s]));
  const grant = (name: string) => byType(run, "aws:lakeformation/permissions:Permissions").find((r) => r.name === name)!;

  before(async () => {
    run = await runProgram({ stack: "prod", config: { "aws:region": "us-east-1" }, program: PROGRAM });
  });

  it("grantWrite reaches exactly one table: its catalog chain, its data, DESCRIBE on the namespace and INSERT+DESCRIBE on the table", () => {
    const s = sids("writePolicy");
    assert.deepStrictEqual(Object.keys(s), ["IcebergCatalog", "WriteBronzeTable", "LakeFormationCredentials"]);
    assert.deepStrictEqual(s.WriteBronzeTable.Resource, [BUCKET, `${BUCKET}/table/retail_bronze.cart_events`]);
    assert.strictEqual(s.IcebergCatalog.Resource.at(-1), `${GLUE}:table/s3tablescatalog/retail-prod-tables/retail_bronze/cart_events`);
    assert.ok(!JSON.stringify(s).includes("pos_transactions"), "a writer of one table must not reach another");
    assert.deepStrictEqual(grant("writer-namespace").inputs.permissions, ["DESCRIBE"]);
    assert.deepStrictEqual(grant("writer-table").inputs.permissions, ["INSERT", "DESCRIBE"]);
    assert.deepStrictEqual(grant("writer-table").inputs.table, {
      catalogId: "123456789012:s3tablescatalog/retail-prod-tables",
      databaseName: "retail_bronze",
      name: "cart_events",
    });
    assert.strictEqual(run.outputs.writeGrants, 2);
  });

  it("grantQuery: SELECT on what is read, the merge DML (SELECT, INSERT, DELETE) and UpdateTable only on what is written", () => {
    const s = sids("queryPolicy");
    assert.deepStrictEqual(Object.keys(s), ["CatalogRead", "CatalogCommit", "LakeFormationCredentials", "TableBucketKey"]);
    assert.deepStrictEqual(s.CatalogCommit.Resource, [`${GLUE}:table/s3tablescatalog/retail-prod-tables/retail_silver/order_events`]);
    assert.ok(!JSON.stringify(s).includes("retail_bronze"), "nothing beyond what the access names");
    assert.deepStrictEqual(grant("reader-retail_silver").inputs.permissions, ["DESCRIBE"]);
    assert.deepStrictEqual(grant("reader-retail_silver.identity_bridge").inputs.permissions, ["SELECT", "DESCRIBE"]);
    assert.deepStrictEqual(grant("reader-retail_silver.order_events").inputs.permissions, ["SELECT", "INSERT", "DELETE", "DESCRIBE"]);
    assert.strictEqual(run.outputs.queryGrants, 3);
  });

  it("the grants are the consumer's children, so they live and die with the principal that uses them", () => {
    for (const name of ["writer-namespace", "writer-table", "reader-retail_silver.order_events"]) {
      assert.match(grant(name).urn, /test:grants:Consumer\$aws:lakeformation\/permissions:Permissions::/);
    }
  });

  it("refuses a table the bucket does not hold, naming it and what the bucket holds, before any grant is made", () => {
    const bucket = { account: ACCOUNT, tables: { "retail_bronze.cart_events": {} } } as unknown as TableBucketRef;
    assert.throws(
      () => grantTableWrite(bucket, "w", "arn:role", "retail_bronze.clickstream", undefined as never),
      /table retail_bronze\.clickstream is not in this table bucket; it holds retail_bronze\.cart_events/,
    );
  });
});
