import * as assert from "assert";
import { Invoke, InvokeInput, InvokeOutput, mergeInvoker, selfInvoker } from "../../functions/lambdaInvoke";

/** An Invoke answering from a list, recording what was sent (the shape of @aws-sdk/client-lambda's InvokeCommand). */
function fakeInvoke(answers: (InvokeOutput | Error)[]): Invoke & { sent: (Omit<InvokeInput, "Payload"> & { event: unknown })[] } {
  const sent: (Omit<InvokeInput, "Payload"> & { event: unknown })[] = [];
  const invoke = async (input: InvokeInput) => {
    sent.push({ FunctionName: input.FunctionName, InvocationType: input.InvocationType, event: JSON.parse(new TextDecoder().decode(input.Payload)) });
    const answer = answers.shift()!;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return Object.assign(invoke, { sent });
}
const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const EVENT = { product: "cart_events", scheduledTime: "2026-11-21T00:00:00.000Z", lookbackMinutes: 1440 };

describe("Lambda invoke seam (functions/lambdaInvoke.ts)", () => {
  it("invokes the merge synchronously with the window's event and returns its report's rows", async () => {
    const invoke = fakeInvoke([{ StatusCode: 200, Payload: payload({ product: "cart_events", rowsByTable: { "retail_silver.cart_events": 12 } }) }]);
    const outcome = await mergeInvoker(invoke, "retail-prod-ops-merge")(EVENT);
    assert.deepStrictEqual(outcome, { status: "merged", rowsByTable: { "retail_silver.cart_events": 12 } });
    assert.deepStrictEqual(invoke.sent, [{ FunctionName: "retail-prod-ops-merge", InvocationType: "RequestResponse", event: EVENT }]);
  });

  it("reads TooManyRequestsException (the busy slot) as throttled, and passes any other error on", async () => {
    const busy = Object.assign(new Error("Rate Exceeded."), { name: "TooManyRequestsException", $metadata: { httpStatusCode: 429 } });
    assert.deepStrictEqual(await mergeInvoker(fakeInvoke([busy]), "m")(EVENT), { status: "throttled", message: "Rate Exceeded." });
    const denied = Object.assign(new Error("not authorized"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } });
    await assert.rejects(mergeInvoker(fakeInvoke([denied]), "m")(EVENT), /not authorized/);
  });

  it("reads a FunctionError as the merge's failure, with its type and message", async () => {
    const answer = {
      StatusCode: 200,
      FunctionError: "Unhandled",
      Payload: payload({ errorType: "MergeError", errorMessage: "merge cart_events [..): boom" }),
    };
    assert.deepStrictEqual(await mergeInvoker(fakeInvoke([answer]), "m")(EVENT), {
      status: "failed",
      message: "Unhandled error, MergeError: merge cart_events [..): boom",
    });
  });

  it("reads a payload that is no merge report as a failure, not as nothing merged", async () => {
    const outcome = await mergeInvoker(fakeInvoke([{ StatusCode: 200, Payload: payload(null) }]), "m")(EVENT);
    assert.strictEqual(outcome.status, "failed");
  });

  it("hands over asynchronously (InvocationType Event) to the function it names", async () => {
    const invoke = fakeInvoke([{ StatusCode: 202 }]);
    await selfInvoker(invoke, "retail-prod-ops-backfill")({ cursor: "2026-11-21T00:00:00.000Z" });
    assert.deepStrictEqual(invoke.sent, [
      { FunctionName: "retail-prod-ops-backfill", InvocationType: "Event", event: { cursor: "2026-11-21T00:00:00.000Z" } },
    ]);
  });
});
