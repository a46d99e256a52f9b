import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";
import { BATCH_SCHEDULE, Lane } from "../core/lanes";
import { TAG } from "../core/tags";
import { arn, AwsAccount } from "./account";
import { assumeRolePolicy, iamPolicy, Statement } from "./iam";
import type { LaneLakehouse } from "./icebergNamespace";

/** The Glue driver every batch lane runs; committed in the repo and uploaded as an asset. */
export const GLUE_SCRIPT = path.join(__dirname, "glue", "batch_to_iceberg.py");

/** Network placement for jdbc sources: the Glue connection's ENIs go in a private subnet. */
export interface BatchNetwork {
  readonly vpcId: pulumi.Input<string>;
  readonly subnetId: pulumi.Input<string>;
  readonly availabilityZone: pulumi.Input<string>;
}

/** The job lands raw rows in its bronze table; the silver MERGE (Operations) takes them from there. */
export interface BatchLaneArgs {
  /** The account, region and partition the stack runs in (the program looks them up once). */
  readonly account: AwsAccount;
  /** The data product, e.g. `erp_inventory`; also its bronze (and silver) table's name. */
  readonly product: string;
  readonly lane: Exclude<Lane, "stream">;
  readonly sourceKind: "jdbc" | "s3";
  /** s3 sources: where extracts land (s3://bucket/prefix). */
  readonly sourceUri?: string;
  /** Extract format for s3 sources (default parquet). */
  readonly sourceFormat?: "parquet" | "csv" | "json";
  /** jdbc sources: Secrets Manager secret name with url, username, password, table. */
  readonly connectionSecretName?: string;
  /** jdbc sources: where the connection's ENIs live. */
  readonly network?: BatchNetwork;
  readonly workers: number;
  readonly timeoutMinutes: number;
  /** Retries before a run counts as failed (default 1). */
  readonly maxRetries?: number;
  readonly kmsKeyArn: pulumi.Input<string>;
  /** The lakehouse holding the bronze table `retail_bronze.<product>`; it grants the job's role write access. */
  readonly lakehouse: LaneLakehouse;
  /** Bucket (name) the Glue script is uploaded to. */
  readonly scriptBucket: pulumi.Input<string>;
  readonly scriptBucketArn: pulumi.Input<string>;
  readonly alarmTopicArn: pulumi.Input<string>;
  readonly tags?: Record<string, string>;
}

export function validateBatchLaneArgs(args: BatchLaneArgs, resource?: pulumi.Resource): void {
  const where = `BatchLane "${args.product}"`;
  if (args.sourceKind === "s3" && !args.sourceUri) {
    throw new pulumi.ResourceError(`${where}: sourceKind "s3" needs sourceUri. Fix: pass sourceUri as s3://bucket/prefix.`, resource);
  }
  if (args.sourceKind === "jdbc" && (!args.connectionSecretName || !args.network)) {
    throw new pulumi.ResourceError(
      `${where}: sourceKind "jdbc" needs connectionSecretName and a network (private subnet). Fix: pass connectionSecretName and network.`,
      resource,
    );
  }
  if (args.sourceKind === "s3" && args.network) {
    throw new pulumi.ResourceError(`${where}: an s3 source does not use a VPC connection; network would be ignored. Fix: drop it.`, resource);
  }
}

/** `s3://bucket/prefix` → the bucket's ARN and the prefix's object ARN pattern. */
function s3UriArns(uri: string, account: AwsAccount): { bucket: pulumi.Output<string>; objects: pulumi.Output<string> } {
  const [, bucket, prefix = ""] = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri)!;
  const global = { region: false, account: false };
  return { bucket: arn(account, "s3", bucket, global), objects: arn(account, "s3", `${bucket}/${prefix}*`, global) };
}

/**
 * Glue creates, tags and removes the connection's ENIs itself, in the connection's subnet and security group (as
 * AWSGlueServiceRole scopes them: CreateTags/DeleteTags only with the aws-glue-service-resource key). The Describe
 * actions have no resource-level permissions in EC2, so they stay on "*".
 */
export function connectionEniStatements(account: AwsAccount, network: BatchNetwork, securityGroupId: pulumi.Input<string>): Statement[] {
  const ec2 = (resource: pulumi.Input<string>) => arn(account, "ec2", resource);
  const enis = ec2("network-interface/*");
  return [
    {
      Sid: "DescribeConnectionNetwork",
      Effect: "Allow",
      Action: [
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeVpcEndpoints",
        "ec2:DescribeRouteTables",
        "ec2:DescribeVpcAttribute",
      ],
      Resource: ["*"],
    },
    {
      Sid: "CreateConnectionEnis",
      Effect: "Allow",
      Action: ["ec2:CreateNetworkInterface"],
      Resource: [enis, ec2(pulumi.interpolate`subnet/${network.subnetId}`), ec2(pulumi.interpolate`security-group/${securityGroupId}`)],
    },
    { Sid: "DeleteConnectionEnis", Effect: "Allow", Action: ["ec2:DeleteNetworkInterface"], Resource: [enis] },
    {
      Sid: "TagConnectionEnis",
      Effect: "Allow",
      Action: ["ec2:CreateTags", "ec2:DeleteTags"],
      Resource: [enis],
      Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["aws-glue-service-resource"] } },
    },
  ];
}

/**
 * One batch data product: a Glue 5.0 job that appends the source extract's raw rows to its bronze table in
 * S3 Tables, on the lane's schedule, with a least-privilege role, Lake Formation grants and a failure alert.
 * Like a stream, it stops at bronze: the silver MERGE that Operations runs when the job succeeds validates,
 * dedupes, hashes emails and quarantines, so both lanes share one tested definition of silver.
 */
export class BatchLane extends pulumi.ComponentResource {
  public readonly job: aws.glue.Job;
  public readonly trigger: aws.glue.Trigger;
  public readonly role: aws.iam.Role;
  public readonly schedule: string;

  constructor(name: string, args: BatchLaneArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retail:analytics:BatchLane", name, {}, opts);
    validateBatchLaneArgs(args, this);
    const { product, tags = {} } = args;
    const laneTags = { ...tags, [TAG.dataProduct]: product, [TAG.lane]: args.lane, [TAG.component]: "BatchLane" };
    const account = args.account;

    const script = new aws.s3.BucketObjectv2(
      `${name}-script`,
      { bucket: args.scriptBucket, key: `glue/${product}/batch_to_iceberg.py`, source: new pulumi.asset.FileAsset(GLUE_SCRIPT), tags: laneTags },
      { parent: this },
    );

    this.role = new aws.iam.Role(
      `${name}-glue`,
      { assumeRolePolicy: assumeRolePolicy("glue.amazonaws.com", account), tags: laneTags },
      { parent: this },
    );
    const secretArn = (secretName: string) => arn(account, "secretsmanager", `secret:${secretName}-??????`);
    const bronze = args.lakehouse.grantWrite(name, this.role.arn, `retail_bronze.${product}`, this);
    const statements: pulumi.Input<Statement>[] = [
      { Sid: "ReadScript", Effect: "Allow", Action: ["s3:GetObject"], Resource: [pulumi.interpolate`${args.scriptBucketArn}/glue/${product}/*`] },
      ...bronze.statements,
      { Sid: "UseKeys", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [args.kmsKeyArn, args.lakehouse.kmsKeyArn] },
      {
        Sid: "JobLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
        Resource: [arn(account, "logs", "log-group:/aws-glue/*")],
      },
      {
        Sid: "JobMetrics",
        Effect: "Allow",
        Action: ["cloudwatch:PutMetricData"],
        Resource: ["*"],
        Condition: { StringEquals: { "cloudwatch:namespace": "Glue" } },
      },
    ];
    if (args.sourceKind === "s3") {
      const source = s3UriArns(args.sourceUri!, account);
      statements.push(
        { Sid: "ListSource", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [source.bucket] },
        { Sid: "ReadSource", Effect: "Allow", Action: ["s3:GetObject"], Resource: [source.objects] },
      );
    } else {
      statements.push({
        Sid: "ReadJdbcSecret",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: [secretArn(args.connectionSecretName!)],
      });
    }
    let connections: pulumi.Input<string>[] | undefined;
    if (args.sourceKind === "jdbc") {
      const network = args.network!;
      const sg = new aws.ec2.SecurityGroup(
        `${name}-glue`,
        {
          vpcId: network.vpcId,
          description: `Glue connection for ${product}`,
          // Glue workers talk to each other on all TCP ports: AWS requires a self-referencing rule.
          ingress: [{ protocol: "tcp", fromPort: 0, toPort: 65535, self: true, description: "Glue worker to worker" }],
          egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "source database, S3 and AWS APIs" }],
          tags: laneTags,
        },
        { parent: this },
      );
      const connection = new aws.glue.Connection(
        `${name}-network`,
        {
          connectionType: "NETWORK",
          physicalConnectionRequirements: { subnetId: network.subnetId, availabilityZone: network.availabilityZone, securityGroupIdLists: [sg.id] },
          tags: laneTags,
        },
        { parent: this },
      );
      connections = [connection.name];
      statements.push(...connectionEniStatements(account, network, sg.id));
      // The job reads its connection's definition when a run starts.
      statements.push({
        Sid: "ReadConnection",
        Effect: "Allow",
        Action: ["glue:GetConnection"],
        Resource: [arn(account, "glue", "catalog"), arn(account, "glue", pulumi.interpolate`connection/${connection.name}`)],
      });
    }
    const rolePolicy = new aws.iam.RolePolicy(`${name}-glue`, { role: this.role.id, policy: iamPolicy(statements) }, { parent: this });

    const securityConfiguration = new aws.glue.SecurityConfiguration(
      `${name}-encryption`,
      {
        encryptionConfiguration: {
          s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: args.kmsKeyArn },
          cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: args.kmsKeyArn },
          jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: args.kmsKeyArn },
        },
      },
      { parent: this },
    );

    const catalogConf = pulumi.interpolate`spark.sql.catalog.s3tables=org.apache.iceberg.spark.SparkCatalog --conf spark.sql.catalog.s3tables.type=rest --conf spark.sql.catalog.s3tables.uri=https://s3tables.${account.region}.amazonaws.com/iceberg --conf spark.sql.catalog.s3tables.warehouse=${args.lakehouse.tableBucketArn} --conf spark.sql.catalog.s3tables.rest.sigv4-enabled=true --conf spark.sql.catalog.s3tables.rest.signing-name=s3tables --conf spark.sql.catalog.s3tables.rest.signing-region=${account.region} --conf spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions`;
    this.job = new aws.glue.Job(
      `${name}-job`,
      {
        roleArn: this.role.arn,
        glueVersion: "5.0",
        command: { name: "glueetl", pythonVersion: "3", scriptLocation: pulumi.interpolate`s3://${args.scriptBucket}/${script.key}` },
        workerType: "G.1X",
        numberOfWorkers: args.workers,
        timeout: args.timeoutMinutes,
        maxRetries: args.maxRetries ?? 1,
        // One run at a time: a slow run must not overlap the next scheduled one.
        executionProperty: { maxConcurrentRuns: 1 },
        securityConfiguration: securityConfiguration.name,
        connections,
        defaultArguments: {
          "--datalake-formats": "iceberg",
          "--conf": catalogConf,
          "--enable-metrics": "true",
          "--enable-continuous-cloudwatch-log": "true",
          "--enable-job-insights": "true",
          "--source_kind": args.sourceKind,
          "--source_uri": args.sourceUri ?? "-",
          "--source_secret_id": args.connectionSecretName ?? "-",
          "--source_format": args.sourceFormat ?? "parquet",
          "--target_table": pulumi.interpolate`${args.lakehouse.namespaces.retail_bronze}.${product}`,
        },
        tags: laneTags,
      },
      { parent: this, dependsOn: [rolePolicy, ...bronze.resources] },
    );

    this.schedule = BATCH_SCHEDULE[args.lane];
    this.trigger = new aws.glue.Trigger(
      `${name}-schedule`,
      { type: "SCHEDULED", schedule: this.schedule, startOnCreation: true, actions: [{ jobName: this.job.name }], tags: laneTags },
      { parent: this },
    );

    // A failed or timed-out run reaches the alarm topic through EventBridge (Glue emits job state changes there).
    const failures = new aws.cloudwatch.EventRule(
      `${name}-failed`,
      {
        description: `${product}: Glue job run failed or timed out`,
        eventPattern: pulumi.jsonStringify({
          source: ["aws.glue"],
          "detail-type": ["Glue Job State Change"],
          detail: { jobName: [this.job.name], state: ["FAILED", "TIMEOUT", "ERROR"] },
        }),
        tags: laneTags,
      },
      { parent: this },
    );
    new aws.cloudwatch.EventTarget(`${name}-failed`, { rule: failures.name, arn: args.alarmTopicArn }, { parent: this });

    this.registerOutputs({ jobName: this.job.name, schedule: this.schedule, roleArn: this.role.arn });
  }
}
