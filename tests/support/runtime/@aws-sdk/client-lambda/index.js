"use strict";
// Stand-in for the @aws-sdk/client-lambda the Node.js 22 Lambda runtime ships (not among our dependencies; see
// functions/lambdaInvoke.ts). On NODE_PATH only for bundle runs: records each Invoke and answers a merge report.
const invocations = [];
globalThis.__lambdaInvocations = invocations;

class InvokeCommand {
  constructor(input) {
    this.input = input;
  }
}

class LambdaClient {
  async send(command) {
    const { FunctionName, InvocationType, Payload } = command.input;
    const event = JSON.parse(Buffer.from(Payload).toString("utf8"));
    invocations.push({ FunctionName, InvocationType, event });
    if (InvocationType === "Event") return { StatusCode: 202 };
    const report = { product: event.product, windows: [], rowsByTable: { [`retail_silver.${event.product}`]: 7 }, rowsQuarantined: 0 };
    return { StatusCode: 200, Payload: Buffer.from(JSON.stringify(report)) };
  }
}

module.exports = { LambdaClient, InvokeCommand };
