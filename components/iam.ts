import * as pulumi from "@pulumi/pulumi";

/** An IAM policy statement whose ARNs may still be outputs. Every component's role is built from these. */
export interface Statement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string[];
  readonly Resource: pulumi.Input<string>[];
  readonly Condition?: Record<string, Record<string, pulumi.Input<string | string[]>>>;
}

/** Render statements as a policy document once every ARN is known. */
export function iamPolicy(statements: pulumi.Input<Statement>[]): pulumi.Output<string> {
  return pulumi.all(statements.map((s) => pulumi.output(s))).apply((resolved) => JSON.stringify({ Version: "2012-10-17", Statement: resolved }));
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
