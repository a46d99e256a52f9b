import * as pulumi from "@pulumi/pulumi";
import * as aws from "../aws";
import { TableAccess } from "../../core/sql/access";
import { assumeRolePolicy, Grant, iamPolicy, Statement } from "../iam";
import { AccessScope, commonStatements } from "./access";
import type { QueryWrites } from "../tableAccess";
import { FunctionName, functionArchive, HANDLER } from "./bundle";

export interface OperationsFunctionSettings {
  /** What the handler reads from its settings.json at cold start. */
  readonly handlerSettings: unknown;
  /** Tables the handler queries through the operations workgroup: the workgroup and the lakehouse grant them. */
  readonly query?: TableAccess;
  /** What the handler's statements do to the tables they write (default: MERGE). */
  readonly queryWrites?: QueryWrites;
  /** Statements of this handler alone, after the common and query ones. */
  readonly statements?: Statement[];
  /** Access an owner grants this handler's role (e.g. the email-salt table), made once the role exists. */
  readonly grant?: (key: string, principal: pulumi.Input<string>, parent: pulumi.Resource) => Grant;
  readonly timeout: number;
  /** How long an invocation may wait for its turn (reserved concurrency 1) before it counts as failed. */
  readonly maxEventAgeSeconds: number;
  /** Lambda's retries of a failed asynchronous invocation before the failure queue (default 2). */
  readonly retryAttempts?: number;
  readonly environment: Record<string, pulumi.Input<string>>;
  readonly tags?: Record<string, string>;
}

export interface OperationsFunction {
  readonly function: aws.lambda.Function;
  readonly role: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;
}

/**
 * One operations Lambda: its log group with retention, its own role and policy, its Lake Formation grants, the
 * function running its bundle, and an invoke config that sends failed runs to the failure queue.
 */
export function operationsFunction(
  name: string,
  fn: FunctionName,
  bundle: Promise<string>,
  scope: AccessScope & { readonly logRetentionDays: number; readonly tags: Record<string, string> },
  settings: OperationsFunctionSettings,
  parent: pulumi.Resource,
): OperationsFunction {
  const key = `${name}-${fn}`;
  const logGroup = new aws.cloudwatch.LogGroup(
    key,
    // Handler logs name tables, windows and failing statements: encrypted with the platform key like the rest.
    { name: `/retail/operations/${key}`, retentionInDays: scope.logRetentionDays, kmsKeyId: scope.args.kmsKeyArn, tags: scope.tags },
    { parent },
  );
  const role = new aws.iam.Role(
    key,
    { assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com", scope.args.account), tags: scope.tags },
    { parent },
  );
  const query = settings.query ? scope.args.lakehouse.grantQuery(key, role.arn, settings.query, parent, settings.queryWrites) : undefined;
  const owned = settings.grant?.(key, role.arn, parent);
  const statements = [
    ...commonStatements(scope, logGroup),
    ...(query ? [...scope.args.workgroup.grantQuery(), ...query.statements] : []),
    ...(owned?.statements ?? []),
    ...(settings.statements ?? []),
  ];
  const policy = new aws.iam.RolePolicy(key, { role: role.id, policy: iamPolicy(statements) }, { parent });
  const grants = [...(query?.resources ?? []), ...(owned?.resources ?? [])];
  const f = new aws.lambda.Function(
    key,
    {
      code: functionArchive(bundle, settings.handlerSettings),
      handler: HANDLER,
      role: role.arn,
      runtime: aws.lambda.Runtime.NodeJS22dX,
      architectures: ["arm64"],
      memorySize: 256,
      timeout: settings.timeout,
      // One run at a time: a schedule firing while a run is still going is queued by Lambda, not run beside it.
      reservedConcurrentExecutions: 1,
      environment: { variables: settings.environment },
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      tags: { ...scope.tags, ...settings.tags },
    },
    { parent, dependsOn: [policy, logGroup, ...grants] },
  );
  new aws.lambda.FunctionEventInvokeConfig(
    key,
    {
      functionName: f.name,
      maximumRetryAttempts: settings.retryAttempts ?? 2,
      maximumEventAgeInSeconds: settings.maxEventAgeSeconds,
      destinationConfig: { onFailure: { destination: scope.failureQueueArn } },
    },
    { parent },
  );
  return { function: f, role, logGroup };
}
