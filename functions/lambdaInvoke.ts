import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { MergeInvocation } from "./backfill";
import type { MergeEvent } from "./merge";

/** The part of Invoke the backfill uses: a seam its unit tests fake, and sdkInvoke serves with the SDK's client. */
export interface InvokeInput {
  readonly FunctionName: string;
  readonly InvocationType: "RequestResponse" | "Event";
  readonly Payload: Uint8Array;
}
export interface InvokeOutput {
  readonly StatusCode?: number;
  readonly FunctionError?: string;
  readonly Payload?: Uint8Array;
}
export type Invoke = (input: InvokeInput) => Promise<InvokeOutput>;

/** Invoke through the SDK's Lambda client (external in the bundle, like every @aws-sdk/* client). */
export function sdkInvoke(): Invoke {
  const client = new LambdaClient({});
  return (input) => client.send(new InvokeCommand(input));
}

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const decode = (payload: Uint8Array | undefined) => (payload ? new TextDecoder().decode(payload) : "");

/** What Invoke answers when the function's reserved concurrency is in use (the API's 429). */
function isThrottling(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === "TooManyRequestsException" || err?.$metadata?.httpStatusCode === 429;
}

/** The merge function invoked synchronously: its report's rowsByTable, a busy slot, or the error it returned. */
export function mergeInvoker(invoke: Invoke, functionName: string): (event: MergeEvent) => Promise<MergeInvocation> {
  return async (event) => {
    let out: InvokeOutput;
    try {
      out = await invoke({ FunctionName: functionName, InvocationType: "RequestResponse", Payload: encode(event) });
    } catch (e) {
      if (isThrottling(e)) return { status: "throttled", message: (e as Error).message };
      throw e;
    }
    const text = decode(out.Payload);
    if (out.FunctionError) {
      let detail = text;
      try {
        const err = JSON.parse(text) as { errorType?: string; errorMessage?: string };
        detail = `${err.errorType ?? "Error"}: ${err.errorMessage ?? text}`;
      } catch {
        // Not JSON: the raw payload says what there is to say.
      }
      return { status: "failed", message: `${out.FunctionError} error, ${detail}` };
    }
    let report: { rowsByTable?: unknown } | null = null;
    try {
      report = JSON.parse(text) as { rowsByTable?: unknown } | null;
    } catch {
      // Reported below as no report.
    }
    if (!report || typeof report.rowsByTable !== "object" || report.rowsByTable === null)
      return { status: "failed", message: `it returned ${JSON.stringify(text.slice(0, 200))}, not a merge report` };
    return { status: "merged", rowsByTable: report.rowsByTable as Record<string, number> };
  };
}

/** This function invoked again, asynchronously: Lambda queues the event behind the running invocation (concurrency 1). */
export function selfInvoker(invoke: Invoke, functionName: string): (event: unknown) => Promise<void> {
  return async (event) => {
    await invoke({ FunctionName: functionName, InvocationType: "Event", Payload: encode(event) });
  };
}
