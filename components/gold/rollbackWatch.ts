import * as pulumi from "@pulumi/pulumi";
import * as aws from "../aws";
import { formatUtc, GoldChannelMode, ROLLBACK_MAX_HOURS, rollbackDeadline, schedulerAt } from "../../core/rollback";
import type { AwsAccount } from "../account";
import { assumeRolePolicy, iamPolicy } from "../iam";

export interface RollbackWatchArgs {
  readonly mode: GoldChannelMode;
  /** When the current mode began. */
  readonly since: Date;
  readonly alarmTopicArn: pulumi.Input<string>;
  /** The key the alarm topic is encrypted with. */
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly account: AwsAccount;
  readonly tags?: Record<string, string>;
}

/**
 * A store-only period that outlasts its 48 hours pages the on-call: a one-time EventBridge Scheduler schedule at the
 * deadline publishes to the alarm topic (templated SNS target), under a role that may publish there and nothing else.
 * Switching back to omnichannel removes it. Nothing is made in omnichannel mode.
 */
export function rollbackWatch(name: string, args: RollbackWatchArgs, parent: pulumi.Resource): aws.scheduler.Schedule | undefined {
  if (args.mode !== "store-only") return undefined;
  const deadline = rollbackDeadline(args.since);
  const role = new aws.iam.Role(
    `${name}-rollback-watch`,
    { assumeRolePolicy: assumeRolePolicy("scheduler.amazonaws.com", args.account), tags: args.tags },
    { parent },
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-rollback-watch`,
    {
      role: role.id,
      policy: iamPolicy([
        { Sid: "PageOnCall", Effect: "Allow", Action: ["sns:Publish"], Resource: [args.alarmTopicArn] },
        { Sid: "AlarmTopicKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [args.kmsKeyArn] },
      ]),
    },
    { parent },
  );
  return new aws.scheduler.Schedule(
    `${name}-rollback-watch`,
    {
      description: `Gold has reported store-only since ${formatUtc(args.since)}: alarm at ${ROLLBACK_MAX_HOURS} h`,
      scheduleExpression: schedulerAt(deadline),
      scheduleExpressionTimezone: "UTC",
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: args.alarmTopicArn,
        roleArn: role.arn,
        input: JSON.stringify({
          alarm: "StoreOnlyRollbackOverdue",
          message:
            `Gold dashboards have reported the store channel only since ${formatUtc(args.since)}, past the ${ROLLBACK_MAX_HOURS} h the rollback is for. ` +
            `Check bridge coverage and reconciliation, then switch back (README, Rollback switch).`,
        }),
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      },
    },
    { parent, dependsOn: [policy] },
  );
}
