import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";
import type { AwsAccount } from "./account";

/** A policy statement as `aws.iam.PolicyDocument` types it, with a Sid required so every grant is named in the policy. */
export type Statement = aws.iam.PolicyStatement & { readonly Sid: string };

/** What an owner hands a principal: the statements for its policy and the Lake Formation grants already made. */
export interface Grant {
  readonly statements: Statement[];
  /** Resources a consumer must wait for before it uses the access (Lake Formation permissions). */
  readonly resources: pulumi.Resource[];
}

/** Render statements as a policy document once every ARN is known. */
export function iamPolicy(statements: pulumi.Input<Statement>[]): pulumi.Output<string> {
  const document: aws.iam.PolicyDocument = { Version: "2012-10-17", Statement: statements };
  return pulumi.jsonStringify(document);
}

/**
 * How each service's trust is pinned to our account (confused deputy), as the service documents it: Firehose passes
 * the account as sts:ExternalId (Firehose developer guide, "Allow Firehose to assume an IAM role"), Scheduler sets
 * aws:SourceAccount (Scheduler user guide, "Set up the execution role"). For services that document no trust
 * condition, IfExists refuses a request that names another account without locking the service out when it sends none.
 */
const TRUST_CONDITION: Record<string, (accountId: pulumi.Input<string>) => Record<string, Record<string, pulumi.Input<string>>>> = {
  "firehose.amazonaws.com": (accountId) => ({ StringEquals: { "sts:ExternalId": accountId } }),
  "scheduler.amazonaws.com": (accountId) => ({ StringEquals: { "aws:SourceAccount": accountId } }),
};
const UNDOCUMENTED_TRUST = (accountId: pulumi.Input<string>) => ({ StringEqualsIfExists: { "aws:SourceAccount": accountId } });

/** A role trust policy for one AWS service principal of our own account. */
export function assumeRolePolicy(service: string, account: AwsAccount): pulumi.Output<string> {
  const condition = (TRUST_CONDITION[service] ?? UNDOCUMENTED_TRUST)(account.accountId);
  const document: aws.iam.PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", Condition: condition }],
  };
  return pulumi.jsonStringify(document);
}

/** Lake Formation vends S3 Tables credentials to every reader and writer; GetDataAccess has no resource-level scoping. */
export const LAKE_FORMATION_CREDENTIALS: Statement = {
  Sid: "LakeFormationCredentials",
  Effect: "Allow",
  Action: ["lakeformation:GetDataAccess"],
  Resource: ["*"],
};
