/**
 * The state table the harness's mocks answer with: the ARNs, ids and computed fields a provider would return for
 * the resource types this platform uses, in one mock account.
 */

export const MOCK_ACCOUNT_ID = "123456789012";

function arnFor(service: string, resource: string, region: string): string {
  return `arn:aws:${service}:${region}:${MOCK_ACCOUNT_ID}:${resource}`;
}

/**
 * Computed state for the resource types this platform uses, shaped like the provider's. Anything not
 * listed echoes its inputs, which is what the mocks in Pulumi's own docs do.
 */
export function mockState(type: string, name: string, inputs: Record<string, any>, region: string): { id: string; state: Record<string, any> } {
  const physical = inputs.name ?? `${name}-mock`;
  const id = `${physical}-id`;
  const base = { ...inputs };
  switch (type) {
    case "aws:kinesis/stream:Stream":
      return { id, state: { ...base, name: physical, arn: arnFor("kinesis", `stream/${physical}`, region) } };
    case "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
      return { id, state: { ...base, name: physical, arn: arnFor("firehose", `deliverystream/${physical}`, region) } };
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      const bucket = inputs.bucket ?? `${name}-mock`;
      return { id: bucket, state: { ...base, bucket, arn: `arn:aws:s3:::${bucket}` } };
    }
    case "aws:s3tables/tableBucket:TableBucket":
      return { id, state: { ...base, arn: arnFor("s3tables", `bucket/${physical}`, region) } };
    case "aws:s3tables/namespace:Namespace":
      return { id, state: { ...base } };
    case "aws-native:s3tables:Table":
      return {
        id,
        state: {
          ...base,
          tableArn: `${inputs.tableBucketArn}/table/${inputs.namespace}.${inputs.tableName}`,
          warehouseLocation: `s3://${physical}--table-s3`,
        },
      };
    case "aws:kms/key:Key":
      return { id: `${name}-key-id`, state: { ...base, keyId: `${name}-key-id`, arn: arnFor("kms", `key/${name}-key-id`, region) } };
    case "aws:iam/role:Role":
      return { id, state: { ...base, name: physical, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${physical}` } };
    case "aws:iam/policy:Policy":
      return { id, state: { ...base, name: physical, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:policy/${physical}` } };
    case "aws:sns/topic:Topic":
      return { id, state: { ...base, name: physical, arn: arnFor("sns", physical, region) } };
    case "aws:sqs/queue:Queue":
      return {
        id,
        state: {
          ...base,
          name: physical,
          arn: arnFor("sqs", physical, region),
          url: `https://sqs.${region}.amazonaws.com/${MOCK_ACCOUNT_ID}/${physical}`,
        },
      };
    case "aws:glue/job:Job":
      return { id: physical, state: { ...base, name: physical, arn: arnFor("glue", `job/${physical}`, region) } };
    case "aws:glue/connection:Connection":
      return { id: physical, state: { ...base, name: physical, arn: arnFor("glue", `connection/${physical}`, region) } };
    case "aws:glue/catalogDatabase:CatalogDatabase":
      return { id: physical, state: { ...base, name: physical, arn: arnFor("glue", `database/${physical}`, region) } };
    case "aws:lambda/function:Function":
      return { id: physical, state: { ...base, name: physical, arn: arnFor("lambda", `function:${physical}`, region) } };
    case "aws:athena/workgroup:Workgroup":
      return { id: physical, state: { ...base, name: physical, arn: arnFor("athena", `workgroup/${physical}`, region) } };
    case "aws:quicksight/dataSource:DataSource":
      return { id, state: { ...base, arn: arnFor("quicksight", `datasource/${inputs.dataSourceId}`, region) } };
    case "aws:quicksight/dataSet:DataSet":
      return { id, state: { ...base, arn: arnFor("quicksight", `dataset/${inputs.dataSetId}`, region) } };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { id: physical, state: { ...base, name: physical, arn: arnFor("logs", `log-group:${physical}`, region) } };
    case "aws:scheduler/schedule:Schedule":
      return { id: physical, state: { ...base, name: physical, arn: arnFor("scheduler", `schedule/default/${physical}`, region) } };
    case "aws:secretsmanager/secret:Secret":
      return { id, state: { ...base, name: physical, arn: arnFor("secretsmanager", `secret:${physical}`, region) } };
    case "awsx:ec2:Vpc":
      // awsx components are multi-language: under mocks only the component registers, so its outputs come from here.
      return {
        id,
        state: {
          ...base,
          vpcId: `vpc-${name}`,
          privateSubnetIds: ["subnet-private-a", "subnet-private-b"],
          publicSubnetIds: ["subnet-public-a", "subnet-public-b"],
          isolatedSubnetIds: [],
        },
      };
    case "aws-native:quicksight:Dashboard":
      return {
        id: inputs.dashboardId,
        state: {
          ...base,
          arn: arnFor("quicksight", `dashboard/${inputs.dashboardId}`, region),
          version: { versionNumber: 1, status: "CREATION_SUCCESSFUL" },
        },
      };
    case "aws:cloudwatch/dashboard:Dashboard":
      return {
        id: inputs.dashboardName,
        state: { ...base, dashboardArn: `arn:aws:cloudwatch::${MOCK_ACCOUNT_ID}:dashboard/${inputs.dashboardName}` },
      };
    case "pulumi:pulumi:StackReference":
      return { id: inputs.name ?? name, state: { ...base, outputs: {} } };
    default:
      return { id, state: { ...base, arn: inputs.arn ?? arnFor(type.split(":")[1]?.split("/")[0] ?? "mock", physical, region) } };
  }
}
