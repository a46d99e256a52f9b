import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";
import { EMAIL_SALT_TABLE } from "../core/emailSalt";
import { arn, AwsAccount } from "./account";
import { Grant } from "./iam";
import { secureBucket } from "./secureBucket";

export interface EmailSaltArgs {
  readonly account: AwsAccount;
  /** The salt, a Pulumi secret: it reaches only the object's body (encrypted in state), never an output or a tag. */
  readonly salt: pulumi.Input<string>;
  /** Encrypts the object at rest. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Protect the bucket, object and table: losing the salt re-keys every email_hash and the bridge must be rebuilt. */
  readonly protect: boolean;
  readonly tags?: Record<string, string>;
}

const OBJECT_PREFIX = `${EMAIL_SALT_TABLE.table}/`;

/**
 * The email-hash salt as a table the SQL joins (core/emailSalt.ts): a one-row text object the deployment writes from
 * the secret config, and a Glue table `retail_ops.email_salt` over it in the default catalog. The merge reads it by a
 * scalar subquery, so the salt is in no query text Athena or CloudTrail records. Only a principal handed
 * `grantRead` (the merge) may read it: its IAM statements and its Lake Formation grant.
 */
export class EmailSalt extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly database: aws.glue.CatalogDatabase;
  public readonly table: aws.glue.CatalogTable;
  private readonly account: AwsAccount;
  private readonly kmsKeyArn: pulumi.Input<string>;

  constructor(name: string, args: EmailSaltArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retail:analytics:EmailSalt", name, {}, opts);
    this.account = args.account;
    this.kmsKeyArn = args.kmsKeyArn;
    const protect = args.protect;
    this.bucket = secureBucket(`${name}-salt`, { kmsKeyArn: args.kmsKeyArn, forceDestroy: !protect, tags: args.tags }, this);
    const object = new aws.s3.BucketObjectv2(
      `${name}-salt`,
      {
        bucket: this.bucket.id,
        key: `${OBJECT_PREFIX}salt.txt`,
        // One line, one column: the salt's alphabet (validated in config) has no delimiter or quote.
        content: pulumi.secret(pulumi.output(args.salt).apply((s) => `${s}\n`)),
        contentType: "text/plain",
        serverSideEncryption: "aws:kms",
        kmsKeyId: args.kmsKeyArn,
        tags: args.tags,
      },
      { parent: this, protect },
    );
    this.database = new aws.glue.CatalogDatabase(
      `${name}-ops`,
      { name: EMAIL_SALT_TABLE.database, description: "Platform-internal tables (the email-hash salt); the merge role alone reads them." },
      { parent: this, protect },
    );
    this.table = new aws.glue.CatalogTable(
      `${name}-salt`,
      {
        databaseName: this.database.name,
        name: EMAIL_SALT_TABLE.table,
        tableType: "EXTERNAL_TABLE",
        parameters: { EXTERNAL: "TRUE", classification: "csv" },
        storageDescriptor: {
          location: pulumi.interpolate`s3://${this.bucket.bucket}/${OBJECT_PREFIX}`,
          inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
          outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
          serDeInfo: { serializationLibrary: "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", parameters: { "field.delim": "," } },
          columns: [{ name: EMAIL_SALT_TABLE.column, type: "string" }],
        },
      },
      { parent: this, protect, dependsOn: [object] },
    );
    this.registerOutputs({ database: this.database.name, table: this.table.name });
  }

  /** Read access for the one principal that hashes emails: the catalog entries, the object, the key, a Lake Formation SELECT. */
  grantRead(name: string, principal: pulumi.Input<string>, parent: pulumi.Resource): Grant {
    const glue = (resource: string) => arn(this.account, "glue", resource);
    const { database, table } = EMAIL_SALT_TABLE;
    return {
      statements: [
        {
          Sid: "EmailSaltCatalog",
          Effect: "Allow",
          Action: ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
          Resource: [glue("catalog"), glue(`database/${database}`), glue(`table/${database}/${table}`)],
        },
        { Sid: "EmailSaltBucket", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: [this.bucket.arn] },
        { Sid: "EmailSaltObject", Effect: "Allow", Action: ["s3:GetObject"], Resource: [pulumi.interpolate`${this.bucket.arn}/${OBJECT_PREFIX}*`] },
        { Sid: "EmailSaltKey", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [this.kmsKeyArn] },
      ],
      resources: [
        new aws.lakeformation.Permissions(
          `${name}-email-salt`,
          { principal, permissions: ["SELECT", "DESCRIBE"], table: { databaseName: database, name: table } },
          { parent, dependsOn: [this.table] },
        ),
      ],
    };
  }
}
