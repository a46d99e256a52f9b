/**
 * The `@pulumi/aws` services the pack's rules judge, each from its own module (the package index loads every
 * service): `aws.kinesis.Stream` reads as with `import * as aws from "@pulumi/aws"`.
 */
export * as athena from "@pulumi/aws/athena";
export * as iam from "@pulumi/aws/iam";
export * as kinesis from "@pulumi/aws/kinesis";
export * as lambda from "@pulumi/aws/lambda";
export * as quicksight from "@pulumi/aws/quicksight";
export * as s3 from "@pulumi/aws/s3";
export * as s3tables from "@pulumi/aws/s3tables";
export * as sns from "@pulumi/aws/sns";
