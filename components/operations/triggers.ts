import * as pulumi from "@pulumi/pulumi";
import * as aws from "../aws";
import { slug } from "../../core/names";
import { assumeRolePolicy, iamPolicy } from "../iam";
import type { AwsAccount } from "../account";
import { OperationsFunctions } from "./bundle";
import { FRESHNESS_INTERVAL_MINUTES, OperationsPlan } from "./plan";

/** EventBridge Scheduler rate expression; the unit is singular for one. */
export function rateExpression(minutes: number): string {
  return `rate(${minutes} ${minutes === 1 ? "minute" : "minutes"})`;
}

export interface TriggerInputs {
  readonly plan: OperationsPlan;
  /** The scheduled functions; erase and backfill are an operator's alone. */
  readonly functions: Omit<OperationsFunctions<aws.lambda.Function>, "erase" | "backfill">;
  /** Minutes between canary rounds, when the canary function exists. */
  readonly canaryIntervalMinutes?: number;
  readonly failureQueue: aws.sqs.Queue;
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Glue job name per batch product. */
  readonly batchJobNames: Readonly<Record<string, pulumi.Input<string>>>;
  /** Hour (UTC) of the daily reconciliation; the maintenance check runs half an hour later. */
  readonly reconcileHourUtc: number;
  readonly account: AwsAccount;
  readonly tags: Record<string, string>;
}

export interface Triggers {
  readonly schedules: Record<string, aws.scheduler.Schedule>;
  /** By batch product: the EventBridge rule that runs its merge when its Glue job succeeds. */
  readonly mergeRules: Record<string, aws.cloudwatch.EventRule>;
}

/** EventBridge Scheduler schedules with their role, and the Glue-job rules that start batch merges. */
export function operationsTriggers(name: string, t: TriggerInputs, parent: pulumi.Resource): Triggers {
  const { plan, functions, failureQueue } = t;
  const schedulerRole = new aws.iam.Role(
    `${name}-scheduler`,
    { assumeRolePolicy: assumeRolePolicy("scheduler.amazonaws.com", t.account), tags: t.tags },
    { parent },
  );
  const schedulerPolicy = new aws.iam.RolePolicy(
    `${name}-scheduler`,
    {
      role: schedulerRole.id,
      policy: iamPolicy([
        { Sid: "Invoke", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: Object.values(functions).map((f) => f!.arn) },
        { Sid: "DeadLetter", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [failureQueue.arn] },
        { Sid: "PlatformKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [t.kmsKeyArn] },
      ]),
    },
    { parent },
  );
  const schedule = (key: string, fn: aws.lambda.Function, expression: string, description: string, input?: string) =>
    new aws.scheduler.Schedule(
      `${name}-${key}`,
      {
        description,
        scheduleExpression: expression,
        scheduleExpressionTimezone: "UTC",
        flexibleTimeWindow: { mode: "OFF" },
        target: {
          arn: fn.arn,
          roleArn: schedulerRole.arn,
          ...(input !== undefined ? { input } : {}),
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
          deadLetterConfig: { arn: failureQueue.arn },
        },
      },
      { parent, dependsOn: [schedulerPolicy] },
    );
  const hour = t.reconcileHourUtc;
  const scheduledMerges = plan.merges.flatMap((m) => (m.trigger.kind === "schedule" ? [{ ...m, intervalMinutes: m.trigger.intervalMinutes }] : []));
  const schedules = {
    ...Object.fromEntries(
      scheduledMerges.map((m) => [
        `merge-${m.product}`,
        schedule(
          `merge-${slug(m.product)}`,
          functions.merge,
          rateExpression(m.intervalMinutes),
          `Silver MERGE of ${m.product}: half its freshness need, re-reading ${m.lookbackMinutes} min of bronze`,
          // The fire time makes a retried run merge exactly the window it was scheduled for.
          JSON.stringify({ product: m.product, scheduledTime: "<aws.scheduler.scheduled-time>" }),
        ),
      ]),
    ),
    reconcile: schedule("reconcile", functions.reconcile, `cron(0 ${hour} * * ? *)`, "Daily source-vs-silver reconciliation of yesterday (UTC)"),
    freshness: schedule("freshness", functions.freshness, rateExpression(FRESHNESS_INTERVAL_MINUTES), "KPI freshness against budget"),
    maintenance: schedule("maintenance", functions.maintenance, `cron(30 ${hour} * * ? *)`, "S3 Tables maintenance job status"),
    ...(functions.canary && t.canaryIntervalMinutes !== undefined
      ? {
          canary: schedule(
            "canary",
            functions.canary,
            rateExpression(t.canaryIntervalMinutes),
            "Freshness canary: one marked event on every stream, followed to the dashboards by the freshness function",
          ),
        }
      : {}),
  };

  // A batch product's merge waits for its data, not for a clock: Glue reports each job run's state to EventBridge,
  // and a SUCCEEDED run of the product's job invokes the merge with the event's time as the window end.
  const mergeRules: Record<string, aws.cloudwatch.EventRule> = {};
  for (const m of plan.merges.filter((m) => m.trigger.kind === "glue-job-succeeded")) {
    const key = `${name}-merge-${slug(m.product)}`;
    const rule = new aws.cloudwatch.EventRule(
      key,
      {
        description: `Silver MERGE of ${m.product} when its Glue job run succeeds, re-reading ${m.lookbackMinutes} min of bronze`,
        eventPattern: pulumi.jsonStringify({
          source: ["aws.glue"],
          "detail-type": ["Glue Job State Change"],
          detail: { jobName: [t.batchJobNames[m.product]], state: ["SUCCEEDED"] },
        }),
        tags: t.tags,
      },
      { parent },
    );
    const permission = new aws.lambda.Permission(
      key,
      { action: "lambda:InvokeFunction", function: functions.merge.name, principal: "events.amazonaws.com", sourceArn: rule.arn },
      { parent },
    );
    new aws.cloudwatch.EventTarget(
      key,
      {
        rule: rule.name,
        arn: functions.merge.arn,
        // The same event shape the schedules send; a redelivered event re-merges exactly the same window.
        inputTransformer: { inputPaths: { time: "$.time" }, inputTemplate: JSON.stringify({ product: m.product, scheduledTime: "<time>" }) },
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: failureQueue.arn },
      },
      { parent, dependsOn: [permission] },
    );
    mergeRules[m.product] = rule;
  }
  const rules = Object.values(mergeRules);
  if (rules.length > 0) {
    // EventBridge dead-letters with a queue policy, not a role; scoped to our rules (the queue's key allows EventBridge).
    new aws.sqs.QueuePolicy(
      `${name}-failures`,
      {
        queueUrl: failureQueue.url,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "MergeRuleDeadLetters",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sqs:SendMessage",
              Resource: failureQueue.arn,
              Condition: { ArnEquals: { "aws:SourceArn": rules.map((r) => r.arn) } },
            },
          ],
        }),
      },
      { parent },
    );
  }
  return { schedules, mergeRules };
}
