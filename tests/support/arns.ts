/** The ARNs the component test's program passes in, so assertions compare against the same values. */
export const ARNS = {
  topic: "arn:aws:sns:us-east-1:123456789012:retail-prod-alarms",
  key: "arn:aws:kms:us-east-1:123456789012:key/platform",
  workgroup: "arn:aws:athena:us-east-1:123456789012:workgroup/retail-prod-ops",
  results: "arn:aws:s3:::retail-prod-athena-results",
};

/** The account the ARNs above live in, as components take it. */
export const ACCOUNT = { partition: "aws", accountId: "123456789012", region: "us-east-1" } as const;
