import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";

/** Where the stack runs: looked up once by the program and handed to every component that builds an ARN. */
export interface AwsAccount {
  readonly partition: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
}

export function lookupAccount(opts?: pulumi.InvokeOutputOptions): AwsAccount {
  return {
    partition: aws.getPartitionOutput({}, opts).partition,
    accountId: aws.getCallerIdentityOutput({}, opts).accountId,
    region: aws.getRegionOutput({}, opts).region,
  };
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`; IAM and S3 ARNs leave out what they do not carry. */
export function arn(
  account: AwsAccount,
  service: string,
  resource: pulumi.Input<string>,
  scope: { readonly region?: boolean; readonly account?: boolean } = {},
): pulumi.Output<string> {
  const region = scope.region === false ? "" : account.region;
  const accountId = scope.account === false ? "" : account.accountId;
  return pulumi.interpolate`arn:${account.partition}:${service}:${region}:${accountId}:${resource}`;
}
