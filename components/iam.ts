import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";

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

/** A role trust policy for one AWS service principal. */
export function assumeRolePolicy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}

/** Lake Formation vends S3 Tables credentials to every reader and writer; GetDataAccess has no resource-level scoping. */
export const LAKE_FORMATION_CREDENTIALS: Statement = {
  Sid: "LakeFormationCredentials",
  Effect: "Allow",
  Action: ["lakeformation:GetDataAccess"],
  Resource: ["*"],
};
