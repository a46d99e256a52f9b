// A producer team's program: it owns a Lambda that writes cart webhooks to the platform's cart stream.
// Everything it knows about the platform comes through the typed StackReference helper.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { RetailPlatform } from "../../consumer/retailPlatform";

const config = new pulumi.Config("cart-producer");
const retail = RetailPlatform.fromStack(config.get("platformStack") ?? "org/retail-analytics/prod");
const cart = retail.stream("cart_events");

const role = new aws.iam.Role("cart-producer", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});

const logs = new aws.cloudwatch.LogGroup("cart-producer", { name: "/aws/lambda/cart-producer", retentionInDays: 14 });

new aws.iam.RolePolicy("cart-producer", {
  role: role.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "WriteCartStream", Effect: "Allow", Action: ["kinesis:PutRecord", "kinesis:PutRecords"], Resource: [cart.streamArn] },
      // The stream is KMS-encrypted with the platform's key; producers need to generate data keys with it.
      { Sid: "EncryptRecords", Effect: "Allow", Action: ["kms:GenerateDataKey"], Resource: [cart.kmsKeyArn] },
      { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [pulumi.interpolate`${logs.arn}:*`] },
    ],
  }),
});

const fn = new aws.lambda.Function("cart-producer", {
  name: "cart-producer",
  runtime: aws.lambda.Runtime.NodeJS22dX,
  handler: "handler.handler",
  role: role.arn,
  code: new pulumi.asset.AssetArchive({ "handler.js": new pulumi.asset.FileAsset(path.join(__dirname, "handler.js")) }),
  environment: { variables: { STREAM_NAME: cart.streamName } },
  timeout: 10,
  loggingConfig: { logFormat: "JSON", logGroup: logs.name },
});

// A BI team's extra dataset on a gold view: SKU velocity for the top movers, direct query on the
// Inventory team's data source. The retail: tags let the platform's policy pack check it like our own.
const inventory = retail.dataSource("Inventory");
const identity = aws.getCallerIdentityOutput();
const topMovers = new aws.quicksight.DataSet("sku-top-movers", {
  awsAccountId: identity.accountId,
  dataSetId: "sku-top-movers",
  name: "SKU top movers (last 7 days)",
  importMode: "DIRECT_QUERY",
  physicalTableMaps: [
    {
      physicalTableMapId: "top-movers",
      customSql: {
        dataSourceArn: inventory.arn,
        name: "top_movers",
        // Filtering on day keeps the query pruned on day(event_ts) like every gold KPI.
        sqlQuery: pulumi.interpolate`SELECT sku, sum(order_lines) AS order_lines FROM ${retail.goldDatabase}.sku_velocity WHERE day >= current_date - INTERVAL '7' DAY GROUP BY sku ORDER BY order_lines DESC LIMIT 500`,
        columns: [
          { name: "sku", type: "STRING" },
          { name: "order_lines", type: "INTEGER" },
        ],
      },
    },
  ],
  tags: { "retail:kpi": "sku_velocity", "retail:expected-rows": "500", "retail:steward-approved": "false" },
});

export const producerFunction = fn.name;
export const topMoversDataSet = topMovers.arn;
export const cartStream = cart.streamName;
export const platformContract = retail.contractVersion;
