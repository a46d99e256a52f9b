/**
 * The `@pulumi/aws` services this platform uses, each loaded from its own module, under the same names as the
 * package index (`aws.iam.Role`, `aws.getRegionOutput`, ...): `import * as aws from "./aws"` reads exactly
 * like `import * as aws from "@pulumi/aws"`. The index costs every plan and `pulumi up` ~140 ms of module loading
 * for services nobody here uses (measured: the 16 services below load in ~35 ms once @pulumi/pulumi is in). Add a
 * service here when a component starts using one. Other teams' programs (examples/, tests/fixtures/) keep the
 * package index, as any Pulumi program would.
 */
export * as athena from "@pulumi/aws/athena";
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as ec2 from "@pulumi/aws/ec2";
export * as glue from "@pulumi/aws/glue";
export * as iam from "@pulumi/aws/iam";
export * as kinesis from "@pulumi/aws/kinesis";
export * as kms from "@pulumi/aws/kms";
export * as lakeformation from "@pulumi/aws/lakeformation";
export * as lambda from "@pulumi/aws/lambda";
export * as quicksight from "@pulumi/aws/quicksight";
export * as s3 from "@pulumi/aws/s3";
export * as s3tables from "@pulumi/aws/s3tables";
export * as scheduler from "@pulumi/aws/scheduler";
export * as secretsmanager from "@pulumi/aws/secretsmanager";
export * as sns from "@pulumi/aws/sns";
export * as sqs from "@pulumi/aws/sqs";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
export { getRegionOutput } from "@pulumi/aws/getRegion";
