/**
 * The `@pulumi/aws` services the platform uses, each loaded from its own module, under the package index's names
 * (`aws.iam.Role`, `aws.getRegionOutput`, ...): the index loads every service. Add a service here when a component
 * starts using one; other teams' programs (examples/, tests/fixtures/) keep the package index.
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
export { getPartitionOutput } from "@pulumi/aws/getPartition";
