import * as pulumi from "@pulumi/pulumi";
import * as aws from "../aws";
import { METRIC_NAMESPACE } from "../../core/runtime";
import { Statement } from "../iam";
import type { OperationsArgs } from "./index";

/** What every operations role is scoped to: the lakehouse, the workgroup, the topic, the key and the queue. */
export interface AccessScope {
  readonly args: OperationsArgs;
  readonly failureQueueArn: pulumi.Input<string>;
}

/** What every handler does: write its log stream, put metrics in our namespace, alert, dead-letter, use the platform key. */
export function commonStatements(scope: AccessScope, logGroup: aws.cloudwatch.LogGroup): Statement[] {
  const { args } = scope;
  return [
    {
      Sid: "Logs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [pulumi.interpolate`${logGroup.arn}:log-stream:*`],
    },
    {
      // PutMetricData has no resource-level permissions; the condition pins it to our namespace.
      Sid: "Metrics",
      Effect: "Allow",
      Action: ["cloudwatch:PutMetricData"],
      Resource: ["*"],
      Condition: { StringEquals: { "cloudwatch:namespace": METRIC_NAMESPACE } },
    },
    { Sid: "Alert", Effect: "Allow", Action: ["sns:Publish"], Resource: [args.alarmTopicArn] },
    { Sid: "FailureDestination", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [scope.failureQueueArn] },
    // The alarm topic, the failure queue and the salt object are encrypted with the platform key.
    { Sid: "PlatformKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [args.kmsKeyArn] },
  ];
}
