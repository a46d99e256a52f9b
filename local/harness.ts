import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { sortedKeys } from "../core/sortedKeys";
import { MOCK_ACCOUNT_ID, mockState } from "./mockState";
import { collectUnhandledRejections, FAILED_RUN_GRACE_MS, runStarted, watchForStall } from "./supervision";

export { readStackFile } from "./stackFile";
export type { StackFile } from "./stackFile";
export { runInProgress } from "./supervision";

/**
 * Runs a real Pulumi TypeScript program under Pulumi's runtime mocks and records every resource it
 * registers, with the options (protect, parent) the engine would see. Tests, the plan runner and the
 * consumer example all use this one harness, so "what the program builds" is measured one way.
 */

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly custom: boolean;
  readonly protect: boolean;
  /** Input paths the engine leaves alone once the resource exists, and paths whose change replaces it. */
  readonly ignoreChanges: string[];
  readonly replaceOnChanges: string[];
  readonly parent?: string;
  /** URNs the resource depends on, and per input property, as the engine hands them to stack policies. */
  readonly dependencies: string[];
  readonly propertyDependencies: Record<string, string[]>;
  /** The provider reference ("<provider urn>::<id>") when the program chose a provider. */
  readonly provider?: string;
  readonly inputs: Record<string, any>;
  /** What the mock returned as the resource's state (inputs plus computed fields such as arn). */
  readonly state: Record<string, any>;
  /** Per top-level input holding an asset or archive: a digest of its content, so a code change shows in a plan. */
  readonly assetDigests: Record<string, string>;
}

export interface ProgramRun {
  readonly stack: string;
  readonly project: string;
  readonly resources: RecordedResource[];
  readonly outputs: Record<string, unknown>;
  /** Output names whose value is a Pulumi secret (their values are replaced by "[secret]"). */
  readonly secretOutputs: string[];
}

export interface RunOptions {
  readonly stack: string;
  readonly project?: string;
  /** Engine-form config (see stackFile.ts). */
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

const ASSET_SIGS = new Set([pulumi.runtime.specialAssetSig, pulumi.runtime.specialArchiveSig]);

/**
 * sha256 of each top-level input that holds an asset or archive, over its serialized form (texts included); a file
 * asset counts by its content, not its absolute path, so the digest is the same in every checkout.
 */
function assetDigestsOf(raw: Record<string, unknown>): Record<string, string> {
  const holdsAsset = (v: unknown): boolean =>
    v !== null &&
    typeof v === "object" &&
    (ASSET_SIGS.has((v as Record<string, unknown>)[pulumi.runtime.specialSigKey] as string) || Object.values(v).some(holdsAsset));
  const byContent = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(byContent);
    if (v === null || typeof v !== "object") return v;
    const o = v as Record<string, unknown>;
    if (o[pulumi.runtime.specialSigKey] === pulumi.runtime.specialAssetSig && typeof o.path === "string" && fs.existsSync(o.path)) {
      return {
        [pulumi.runtime.specialSigKey]: o[pulumi.runtime.specialSigKey],
        contentSha256: crypto.createHash("sha256").update(fs.readFileSync(o.path)).digest("hex"),
      };
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, byContent(x)]));
  };
  return Object.fromEntries(
    Object.entries(raw)
      .filter(([, v]) => holdsAsset(v))
      .map(([k, v]) => [
        k,
        crypto
          .createHash("sha256")
          .update(JSON.stringify(sortedKeys(byContent(v))))
          .digest("hex"),
      ]),
  );
}

/** Run `opts.program` under mocks and return what it registered and exported. Runs are serialised. */
export function runProgram(opts: RunOptions): Promise<ProgramRun> {
  const run = queue.then(() => runProgramNow(opts));
  queue = run.catch(() => undefined);
  return run;
}

async function runProgramNow(opts: RunOptions): Promise<ProgramRun> {
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
          ignoreChanges: req.getIgnorechangesList(),
          replaceOnChanges: req.getReplaceonchangesList(),
          parent: req.getParent() || undefined,
          dependencies: req.getDependenciesList(),
          propertyDependencies: propertyDependenciesOf(req),
          provider: req.getProvider() || undefined,
          inputs,
          state: states.get(`${type}::${name}`)?.state ?? inputs,
          assetDigests: assetDigestsOf(req.getObject()?.toJavaScript() ?? {}),
        });
      }
      callback(err, resp);
    });
  pulumi.runtime.setAllConfig(opts.config, opts.secretKeys ?? []);
  clearModuleCache(path.resolve(path.dirname(opts.program), ".."));
  const unhandled = collectUnhandledRejections();
  const stall = watchForStall(() => unhandled.first);
  let graceTimer: NodeJS.Timeout | undefined;
  const runEnded = runStarted();
  try {
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
    runEnded();
    stall.stop();
    unhandled.stop();
  }
}

export function byType(run: ProgramRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}
