import * as fs from "fs";
import type { Session } from "inspector";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";

/**
 * Runs a real Pulumi TypeScript program under Pulumi's runtime mocks and records every resource it
 * registers, with the options (protect, parent) the engine would see. Tests, the plan runner and the
 * consumer example all use this one harness, so "what the program builds" is measured one way.
 */

export const MOCK_ACCOUNT_ID = "123456789012";

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly custom: boolean;
  readonly protect: boolean;
  readonly parent?: string;
  /** URNs the resource depends on, and per input property, as the engine hands them to stack policies. */
  readonly dependencies: string[];
  readonly propertyDependencies: Record<string, string[]>;
  readonly inputs: Record<string, any>;
  /** What the mock returned as the resource's state (inputs plus computed fields such as arn). */
  readonly state: Record<string, any>;
}

export interface ProgramRun {
  readonly stack: string;
  readonly project: string;
  readonly resources: RecordedResource[];
  readonly outputs: Record<string, unknown>;
  /** Output names whose value is a Pulumi secret (their values are replaced by "[secret]"). */
  readonly secretOutputs: string[];
}

export interface StackFile {
  /** Config as the Pulumi engine hands it to a program: every value a string, structured values as JSON. */
  readonly config: Record<string, string>;
  /** Keys whose value is `secure:` ciphertext, which only the CLI can decrypt. */
  readonly encryptedKeys: string[];
}

/** Read a `Pulumi.<stack>.yaml` file into the engine's config form. */
export function readStackFile(file: string): StackFile {
  const doc = parseYaml(fs.readFileSync(file, "utf8")) ?? {};
  const isMap = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isMap(doc)) throw new Error(`the document is ${Array.isArray(doc) ? "a list" : `a ${typeof doc}`}, not a mapping`);
  if (doc.config !== undefined && doc.config !== null && !isMap(doc.config)) throw new Error("its config: is not a mapping of keys to values");
  const config: Record<string, string> = {};
  const encryptedKeys: string[] = [];
  for (const [key, value] of Object.entries<unknown>(doc.config ?? {})) {
    if (value && typeof value === "object" && "secure" in (value as object)) {
      encryptedKeys.push(key);
      continue;
    }
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { config, encryptedKeys };
}

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
    case "pulumi:pulumi:StackReference":
      return { id: inputs.name ?? name, state: { ...base, outputs: {} } };
    default:
      return { id, state: { ...base, arn: inputs.arn ?? arnFor(type.split(":")[1]?.split("/")[0] ?? "mock", physical, region) } };
  }
}

export interface RunOptions {
  readonly stack: string;
  readonly project?: string;
  /** Engine-form config (see readStackFile). */
  readonly config: Record<string, string>;
  /** Keys of `config` that are secrets. */
  readonly secretKeys?: string[];
  /** Absolute path of the program's entry module. */
  readonly program: string;
  /** Answers for StackReferences the program makes, by stack name. */
  readonly stackReferences?: Record<string, Record<string, unknown>> | ((stackName: string) => Record<string, unknown> | undefined);
  /**
   * How long a failed run waits for the rest of its work while Node stays busy (mocha's timers, a program's open
   * handle), in case some of it can never finish; default 60 s. Once Node has nothing left to run it stops at once.
   */
  readonly failedRunGraceMs?: number;
}

function clearModuleCache(root: string): void {
  for (const key of Object.keys(require.cache)) {
    const rel = path.relative(root, key);
    if (rel.startsWith("..") || /^(node_modules|local|tests)[\\/]/.test(rel) || rel.includes(`node_modules${path.sep}`)) continue;
    delete require.cache[key];
  }
}

async function resolveOutputs(exported: Record<string, unknown>): Promise<{ outputs: Record<string, unknown>; secrets: string[] }> {
  // All at once: an output whose resource never registers (because another input failed) would wait
  // forever, while Promise.all rejects as soon as any output fails. Output.promise() is internal but,
  // unlike apply(), rejects when the value failed to compute.
  const entries = await Promise.all(
    Object.entries(exported).map(async ([key, value]) => {
      const out: pulumi.Output<unknown> = pulumi.output(value as pulumi.Input<string>);
      const [resolved, secret] = await Promise.all([(out as unknown as { promise(): Promise<unknown> }).promise(), pulumi.isSecret(out)]);
      return [key, resolved, secret] as const;
    }),
  );
  return {
    outputs: Object.fromEntries(entries.map(([key, resolved, secret]) => [key, secret ? "[secret]" : resolved])),
    secrets: entries.filter(([, , secret]) => secret).map(([key]) => key),
  };
}

// Pulumi's runtime (mocks, config, stack name) is process-global: runs must take turns.
let queue: Promise<unknown> = Promise.resolve();

function propertyDependenciesOf(req: any): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
    out[key] = deps.getUrnsList();
  });
  return out;
}

type CodePaths = Map<string, pulumi.asset.Asset | pulumi.asset.Archive>;
type ComputeCodePaths = (options?: pulumi.runtime.CodePathOptions) => Promise<CodePaths>;

/**
 * Every aws.lambda.CallbackFunction asks Pulumi for the node_modules its package needs, and each ask walks the
 * whole tree with arborist (most of a plan's closure cost). The tree cannot change during a run, so one walk per
 * distinct set of options answers them all with the same assets. `pulumi up` is untouched: it never loads this.
 */
function shareCodePaths(compute: ComputeCodePaths): ComputeCodePaths {
  const walks = new Map<string, Promise<CodePaths>>();
  const sorted = (xs?: string[]) => [...new Set(xs ?? [])].sort();
  return (options) => {
    const o = options ?? {};
    // Sets, as Pulumi reads them: @pulumi/aws appends "aws-sdk" to the caller's exclude list on every call.
    const key = JSON.stringify([process.cwd(), o.extraIncludePaths ?? [], sorted(o.extraIncludePackages), sorted(o.extraExcludePackages)]);
    let walk = walks.get(key);
    if (!walk) {
      walk = compute(options);
      walks.set(key, walk);
    }
    return walk;
  };
}

type DebuggablePromise = <T>(p: Promise<T>, ctx: unknown) => Promise<T>;

/**
 * Pulumi wraps every runtime promise in `debuggablePromise`, which tracks it for the leak check at exit and also
 * formats a stack trace onto it that only `PULUMI_DEBUG_PROMISE_LEAKS` ever prints. Formatting those traces was
 * about a third of a second of a prod plan. During a run this wrapper calls the original with a zero stack-trace
 * limit, so leak tracking stays exactly Pulumi's and only the never-printed trace is empty; with
 * PULUMI_DEBUG_PROMISE_LEAKS set the original runs untouched. Like shareCodePaths, it lives only in the harness:
 * `pulumi up` never loads this file. Pulumi's modules call it through the module object
 * (`debuggable_1.debuggablePromise(...)`), so replacing the export reaches every caller (tests/plan/leakStacks.test.ts).
 */
export function withoutLeakDebugStacks(): () => void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const debuggable: { debuggablePromise: DebuggablePromise; debugPromiseLeaks: boolean } = require("@pulumi/pulumi/runtime/debuggable");
  const original = debuggable.debuggablePromise;
  if (typeof original !== "function")
    throw new Error("@pulumi/pulumi/runtime/debuggable no longer exports debuggablePromise: update local/harness.ts");
  if (debuggable.debugPromiseLeaks) return () => undefined;
  debuggable.debuggablePromise = (p, ctx) => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return original(p, ctx);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  return () => {
    debuggable.debuggablePromise = original;
  };
}

type InspectorHooks = { getSessionAsync: () => Promise<Session>; isInitializedAsync: () => Promise<void> };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const inspectorHooks = (): InspectorHooks => require("@pulumi/pulumi/runtime/closure/v8Hooks");

let runtimeOnlySession: Promise<Session> | undefined;

/**
 * Pulumi's closure serializer asks `v8Hooks.getSessionAsync()` for an inspector session, and the first ask opens one
 * and enables V8's Debugger domain on it, for one use: a map from script ids to file names that a serialization
 * error prints beside each function (createClosure.js `getFunctionLocation`; nothing else reads it). Enabling it
 * makes V8 report every script loaded so far and hash its source (SHA-256): ~0.27 s of a prod plan, with ~1,500
 * scripts and ~20 MB of JavaScript loaded, TypeScript's 9 MB among them. During a run this wrapper answers with a
 * session that has no Debugger domain, only the Runtime domain the serializer queries (scopes, properties), so the
 * serialized code is byte-identical (tests/plan/closureSession.test.ts). Only an error's text would differ, so a run
 * that fails to serialize a closure runs again the way `pulumi up` runs a program (runProgram): Pulumi's own session
 * opened before the program loads (cmd/run/index.js `initializeHooks`), so the error names the program's functions
 * by file and line as `pulumi up` prints them. Modules the harness does not load again for a run (clearModuleCache:
 * packages, local/, tests/, anything outside the program's parent folder) stay unnamed, and the program runs twice,
 * its own output twice with it. Like shareCodePaths, it lives only in the harness: `pulumi up` never loads this
 * file. Pulumi calls it through the module object (`v8Hooks.getSessionAsync()` in runtime/closure/v8.js), so
 * replacing the export reaches every caller.
 */
export function withoutScriptMapping(): () => void {
  const hooks = inspectorHooks();
  const original = hooks.getSessionAsync;
  if (typeof original !== "function" || typeof hooks.isInitializedAsync !== "function")
    throw new Error("@pulumi/pulumi/runtime/closure/v8Hooks no longer exports getSessionAsync and isInitializedAsync: update local/harness.ts");
  hooks.getSessionAsync = () => {
    runtimeOnlySession ??= Promise.resolve().then(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const session: Session = new (require("inspector") as typeof import("inspector")).Session();
      session.connect();
      return session;
    });
    return runtimeOnlySession;
  };
  return () => {
    hooks.getSessionAsync = original;
  };
}

/** Pulumi's closure serializer starts the errors it explains with this (createClosure.js `throwSerializationError`). */
const isSerializationError = (e: unknown) => e instanceof Error && e.message.includes("Error serializing ");

/** Run `opts.program` under mocks and return what it registered and exported. Runs are serialised. */
export function runProgram(opts: RunOptions): Promise<ProgramRun> {
  const run = queue.then(async () => {
    let first: unknown;
    try {
      return await runProgramNow(opts, { asPulumiUp: false });
    } catch (e) {
      if (!isSerializationError(e)) throw e;
      first = e;
    }
    // Again as `pulumi up` runs it, so the error names each function's file wherever Pulumi's would.
    await runProgramNow(opts, { asPulumiUp: true });
    // The second run serialized what the first could not. Never a clean run: the failure came from the harness's
    // session, or from work an earlier run in this process left going (see "Known limits" in the README).
    throw new Error(
      `a closure failed to serialize in this run but not when the program ran again with Pulumi's own inspector session: either work an earlier run left going failed here, or the harness's session is at fault (withoutScriptMapping in local/harness.ts): ${(first as Error).message}`,
    );
  });
  queue = run.catch(() => undefined);
  return run;
}

async function runProgramNow(opts: RunOptions, mode: { asPulumiUp: boolean }): Promise<ProgramRun> {
  const project = opts.project ?? "retail-analytics";
  const region = opts.config["aws:region"] ?? "us-east-1";
  const resources: RecordedResource[] = [];
  const states = new Map<string, { id: string; state: Record<string, any> }>();
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        if (args.type === "pulumi:pulumi:StackReference") {
          const refs = opts.stackReferences;
          const answered = typeof refs === "function" ? refs(args.inputs.name) : refs?.[args.inputs.name];
          if (!answered) throw new Error(`StackReference to "${args.inputs.name}" has no answer in this run`);
          return { id: args.inputs.name, state: { ...args.inputs, outputs: answered, secretOutputNames: [] } };
        }
        const result = mockState(args.type, args.name, args.inputs, region);
        states.set(`${args.type}::${args.name}`, result);
        return result;
      },
      call(args: pulumi.runtime.MockCallArgs) {
        switch (args.token) {
          case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: MOCK_ACCOUNT_ID, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/ci`, userId: "AIDAMOCK", id: MOCK_ACCOUNT_ID };
          case "aws:index/getRegion:getRegion":
            return { name: region, region, id: region, description: region };
          case "aws:ec2/getSubnet:getSubnet":
            return { id: args.inputs.id, availabilityZone: `${region}a`, vpcId: "vpc-mock" };
          case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
          default:
            return args.inputs;
        }
      },
    },
    project,
    opts.stack,
    false,
  );
  // The mock monitor does not pass resource options to newResource; record them from the request itself.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings");
  const monitor = settings.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) =>
    register(req, (err: unknown, resp: any) => {
      if (!err) {
        const type: string = req.getType();
        const name: string = req.getName();
        const inputs = pulumi.runtime.deserializeProperties(req.getObject());
        resources.push({
          type,
          name,
          urn: resp.getUrn(),
          custom: req.getCustom(),
          protect: req.getProtect() === true,
          parent: req.getParent() || undefined,
          dependencies: req.getDependenciesList(),
          propertyDependencies: propertyDependenciesOf(req),
          inputs,
          state: states.get(`${type}::${name}`)?.state ?? inputs,
        });
      }
      callback(err, resp);
    });
  pulumi.runtime.setAllConfig(opts.config, opts.secretKeys ?? []);
  clearModuleCache(path.resolve(path.dirname(opts.program), ".."));
  const runtime = pulumi.runtime as { computeCodePaths: ComputeCodePaths };
  const computeCodePaths = runtime.computeCodePaths;
  const restore: (() => void)[] = [];
  const unhandled = collectUnhandledRejections();
  const stall = watchForStall(() => unhandled.first);
  let graceTimer: NodeJS.Timeout | undefined;
  activeRuns++;
  try {
    runtime.computeCodePaths = shareCodePaths(computeCodePaths);
    restore.push(() => (runtime.computeCodePaths = computeCodePaths));
    restore.push(withoutLeakDebugStacks());
    if (mode.asPulumiUp) await inspectorHooks().isInitializedAsync();
    else restore.push(withoutScriptMapping());
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(opts.program);
    // A rejection nobody handles fails the run at once: what waits on a resource that failed to register (a
    // CallbackFunction whose closure cannot be serialized, used by another resource) would otherwise wait forever.
    const { outputs, secrets } = await Promise.race([resolveOutputs(exported), unhandled.failed, stall.stalled]);
    await Promise.race([settings.waitForRPCs?.(), unhandled.failed, stall.stalled]);
    await unhandled.settled();
    if (unhandled.first) throw unhandled.first;
    return { stack: opts.stack, project, resources, outputs, secretOutputs: secrets };
  } catch (e) {
    // The rest of a failed run (outputs depending on what failed, Lambda code paths still being read) rejects too:
    // let it do so inside this run. What waits on a resource that never registered never finishes, so the wait also
    // ends when Node has nothing else to run, or after the grace while something keeps it busy (mocha's
    // timers, a program's open handle).
    const grace = new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, opts.failedRunGraceMs ?? FAILED_RUN_GRACE_MS).unref()));
    await Promise.race([settings.waitForRPCs?.().catch(() => undefined), stall.stalled.catch(() => undefined), grace]);
    await unhandled.settled();
    throw e;
  } finally {
    clearTimeout(graceTimer);
    activeRuns--;
    stall.stop();
    unhandled.stop();
    for (const undo of restore.reverse()) undo();
  }
}

/**
 * RunOptions.failedRunGraceMs's default: long enough for a failed run's slow remaining work (a lookup, the Lambda code
 * paths walk) to finish inside it rather than in the next run; it is only ever waited out in full when something can
 * never finish and Node stays busy anyway.
 */
const FAILED_RUN_GRACE_MS = 60_000;

let activeRuns = 0;

/** Whether a program is running under the harness now (its stalls are the harness's to report: watchForStall). */
export const runInProgress = (): boolean => activeRuns > 0;

/**
 * A program can wait on something that never happens: an output of a resource that failed to register, or a promise
 * nothing resolves. `pulumi up` then ends when Node runs out of work, and fails. The harness does the same: Node
 * emits `beforeExit` when its event loop is empty, which cannot happen while any referenced handle or request of the
 * run (I/O, a timer, a child process) is pending; an unref'd timer does not count, for `pulumi up` neither. As
 * Pulumi's language host does (cmd/run/index.js), it lets the work other `beforeExit` listeners schedule run first
 * (a program's own, @pulumi/aws's S3 notification hook) and declares the run stalled only at the next empty loop,
 * once that event's listeners and what they resolved have run; the run then fails with its first unhandled rejection,
 * or with "never finished". (A program that, from a `beforeExit` listener, starts a timer that later completes its
 * outputs is declared stalled here, where `pulumi up` would wait for it.) Where the loop never empties
 * (mocha's timers, a program's open handle), a stall with no rejection waits for the test's timeout or forever,
 * as `pulumi up` would; one with a rejection fails at once (runProgramNow).
 */
function watchForStall(firstRejection: () => unknown): { readonly stalled: Promise<never>; stop(): void } {
  const { promise: stalled, fail } = failure();
  let armed = false;
  let stopped = false;
  const listener = () => {
    if (!armed) {
      armed = true;
      setImmediate(() => undefined); // another turn, so Node emits beforeExit again if nothing else comes of it
      return;
    }
    // Decided after this event's other listeners (the program's own among them) and what they resolved have run.
    setImmediate(() => {
      if (stopped) return;
      fail(
        firstRejection() ??
          new Error(
            "the program never finished: it waits on a value nothing will ever provide (an output of a resource that never registers, or a promise nothing resolves)",
          ),
      );
    });
  };
  process.on("beforeExit", listener);
  return {
    stalled,
    stop: () => {
      stopped = true;
      process.off("beforeExit", listener);
    },
  };
}

/**
 * Pulumi's language host (`@pulumi/pulumi/cmd/run`) catches every rejection a program leaves unhandled, reports it
 * and fails the update; it never lets one end the process. During a run the harness does the same: such a
 * rejection fails the run with that error (the first one), at once. A failed run's other rejections (every output
 * that depended on what failed) surface before the run returns, since it waits for the runtime's RPCs (bounded when
 * some can never finish: runProgramNow) and a turn of the event loop, so they can neither crash a CLI plan nor land
 * in the next run.
 */
function collectUnhandledRejections(): {
  readonly first: unknown;
  /** Rejects with the first rejection nobody handled; never resolves. */
  readonly failed: Promise<never>;
  settled(): Promise<void>;
  stop(): void;
} {
  const seen: unknown[] = [];
  const { promise: failed, fail } = failure();
  const listener = (reason: unknown) => {
    seen.push(reason);
    if (seen.length === 1) fail(withContext(reason));
  };
  process.on("unhandledRejection", listener);
  return {
    get first() {
      return seen.length > 0 ? withContext(seen[0]) : undefined;
    },
    failed,
    settled: () => new Promise<void>((resolve) => setImmediate(resolve)),
    stop: () => process.off("unhandledRejection", listener),
  };
}

/** A promise that only ever rejects, when `fail` is called; it is raced, never awaited alone, so never unhandled. */
function failure(): { readonly promise: Promise<never>; fail(e: unknown): void } {
  let fail!: (e: unknown) => void;
  const promise = new Promise<never>((_, reject) => (fail = reject));
  promise.catch(() => undefined);
  return { promise, fail };
}

function withContext(reason: unknown): Error {
  const e = reason instanceof Error ? reason : new Error(String(reason));
  if (!e.message.startsWith("the program left a rejected promise unhandled"))
    e.message = `the program left a rejected promise unhandled: ${e.message}`;
  return e;
}

export function byType(run: ProgramRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}
