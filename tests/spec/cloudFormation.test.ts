import { strict as assert } from "assert";
import { ProgramRun } from "../../local/harness";
import { runStack } from "../support/stacks";
import { CfnSpec } from "./cfnSpec";
import { PlannedResource } from "./policyDocuments";

// Loaded once for the file, on first use: the spec is a 2.6 MB gzipped database.
let loaded: CfnSpec | undefined;
const spec = () => (loaded ??= new CfnSpec());

/** An aws-native table as the platform writes one, for the control cases to change one field of. */
function table(edit: (inputs: Record<string, any>) => void = () => undefined): PlannedResource {
  const inputs: Record<string, any> = {
    tableBucketArn: "arn:aws:s3tables:us-east-1:123456789012:bucket/b",
    namespace: "retail_silver",
    tableName: "cart_events",
    openTableFormat: "ICEBERG",
    compaction: { status: "enabled", targetFileSizeMb: 512 },
    icebergMetadata: { icebergSchema: { schemaFieldList: [{ id: 1, name: "event_id", type: "string", required: true }] } },
    tags: [{ key: "retail:table", value: "retail_silver.cart_events" }],
  };
  edit(inputs);
  return { type: "aws-native:s3tables:Table", name: "control", inputs };
}

for (const stack of ["dev", "prod"] as const) {
  describe(`spec (CloudFormation): every aws-native resource in the ${stack} plan passes the resource specification`, () => {
    let run: ProgramRun;
    before(async () => {
      run = await runStack(stack);
    });

    it("maps every aws-native type to a CloudFormation type, with its required properties present and enum values allowed", () => {
      const native = run.resources.filter((r) => r.type.startsWith("aws-native:"));
      assert.ok(
        native.some((r) => r.type === "aws-native:s3tables:Table") && native.some((r) => r.type === "aws-native:quicksight:Topic"),
        `expected the plan's tables and topics, got ${[...new Set(native.map((r) => r.type))].join(", ")}`,
      );
      assert.deepEqual(
        native.flatMap((r) => spec().problems(r)),
        [],
      );
    });
  });
}

describe("spec (CloudFormation): control cases the check must reject", () => {
  it("accepts the control table as written, and maps type tokens and camelCase names to CloudFormation's", () => {
    assert.deepEqual(spec().problems(table()), []);
    assert.equal(spec().resourceOf("aws-native:s3tables:Table")?.cloudFormationType, "AWS::S3Tables::Table");
    assert.equal(spec().resourceOf("aws-native:quicksight:Topic")?.cloudFormationType, "AWS::QuickSight::Topic");
  });

  it("rejects a missing required property, at the top and inside a nested type", () => {
    const problems = spec().problems(
      table((i) => {
        delete i.tableName;
        delete i.icebergMetadata.icebergSchema.schemaFieldList[0].type;
      }),
    );
    assert.deepEqual(problems, [
      "aws-native:s3tables:Table control: AWS::S3Tables::Table.IcebergMetadata.IcebergSchema.SchemaFieldList[0].Type is required and missing",
      "aws-native:s3tables:Table control: AWS::S3Tables::Table.TableName is required and missing",
    ]);
  });

  it("rejects a value outside CloudFormation's allowed values", () => {
    assert.deepEqual(
      spec().problems(
        table((i) => {
          i.openTableFormat = "DELTA";
          i.compaction.status = "ENABLED";
        }),
      ),
      [
        `aws-native:s3tables:Table control: AWS::S3Tables::Table.OpenTableFormat = "DELTA" is not one of CloudFormation's allowed values ICEBERG`,
        `aws-native:s3tables:Table control: AWS::S3Tables::Table.Compaction.Status = "ENABLED" is not one of CloudFormation's allowed values enabled | disabled`,
      ],
    );
  });

  it("rejects an input CloudFormation does not know, a wrong primitive type, a tag without a value and an unknown type", () => {
    const problems = spec().problems(
      table((i) => {
        i.flyToTheMoon = true;
        i.compaction.targetFileSizeMb = "512";
        i.tags = [{ key: "retail:table" }];
      }),
    );
    assert.equal(problems.length, 3, problems.join("\n"));
    assert.match(problems[0], /AWS::S3Tables::Table\.Compaction\.TargetFileSizeMB should be an integer, got "512"$/);
    assert.match(problems[1], /AWS::S3Tables::Table\.Tags\[0\]\.Value is required and missing$/);
    assert.match(problems[2], /AWS::S3Tables::Table\.flyToTheMoon is not a property CloudFormation knows \(it has Compaction, IcebergMetadata, /);
    assert.deepEqual(spec().problems({ type: "aws-native:s3tables:Tabel", name: "t", inputs: {} }), [
      "aws-native:s3tables:Tabel t: CloudFormation has no resource type for aws-native:s3tables:Tabel",
    ]);
  });
});
