import { spawn } from "child_process";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { EnforcementLevel } from "@pulumi/policy";

/**
 * Runs a policy pack the way `pulumi preview --policy-pack <dir>` does: the pack's own program in a process of its
 * own (its working directory the pack folder, whose package.json names its version), which serves the analyzer gRPC
 * service and prints its port; the plan then configures it and sends every resource and the stack over gRPC. The
 * program being judged never shares a process (or a module cache) with the pack.
 */

/* eslint-disable @typescript-eslint/no-require-imports */
const PULUMI_DIR = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
// The gRPC runtime and protobufs Pulumi's own analyzer stubs are built against.
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [PULUMI_DIR] }));
const analyzerrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const analyzerproto = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [PULUMI_DIR] }));
/* eslint-enable @typescript-eslint/no-require-imports */

const REGISTER = path.join(__dirname, "register.js");
/** Ends the pack's process when this one is gone (local/packParent.js). */
const PACK_PARENT = path.join(__dirname, "packParent.js");
const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];
const STARTUP_TIMEOUT_MS = 60_000;
// The policy SDK's server accepts messages up to 400 MB; a whole stack goes in one AnalyzeStack request.
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

export interface AnalyzedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Inputs as the program passed them (Pulumi runtime values: secrets, assets). */
  readonly inputs: Record<string, unknown>;
  readonly protect?: boolean;
  readonly parent?: string;
  readonly dependencies?: readonly string[];
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  /** The provider reference the engine recorded ("<provider urn>::<id>"), when the program chose a provider. */
  readonly provider?: string;
}

/** The provider resource a resource is managed by, as the engine hands it to policies (for its defaultTags). */
type ProviderOf = (r: AnalyzedResource) => AnalyzedResource | undefined;

export interface Diagnostic {
  readonly policy: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly urn: string;
  /** What the policy reported, without the policy description the engine puts in front of it. */
  readonly message: string;
  readonly description: string;
}

/** Per-policy pack config, in the shape of `--policy-pack-config`: a level, or settings with an optional level. */
export type PackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

export interface Analyzer {
  analyze(resource: AnalyzedResource, provider?: AnalyzedResource): Promise<Diagnostic[]>;
  analyzeStack(resources: readonly AnalyzedResource[], providerOf?: ProviderOf): Promise<Diagnostic[]>;
}

export interface PolicyPackProcess extends Analyzer {
  readonly name: string;
  readonly version: string;
  /** The pack's policies with the level each has before any config. */
  readonly policies: readonly { readonly name: string; readonly enforcementLevel: EnforcementLevel }[];
  /** What the CLI sends once per preview: every policy with its resolved level and settings. */
  configure(config: PackConfig): Promise<void>;
  close(): void;
}

function unary(client: any, method: string, request: unknown): Promise<any> {
  return new Promise((resolve, reject) => client[method](request, (err: unknown, resp: unknown) => (err ? reject(err) : resolve(resp))));
}

/** The engine's wire form of a resource's inputs, built once per resource: resource and stack analysis both send it. */
const wired = new WeakMap<AnalyzedResource, Promise<any>>();
function wireProperties(r: AnalyzedResource): Promise<any> {
  let struct = wired.get(r);
  if (!struct) {
    struct = pulumi.runtime.serializeProperties(`analyze ${r.urn}`, r.inputs).then((props) => Struct.fromJavaScript(props));
    wired.set(r, struct);
  }
  return struct;
}

function options(r: AnalyzedResource): any {
  const opts = new analyzerproto.AnalyzerResourceOptions();
  opts.setProtect(r.protect === true);
  if (r.parent) opts.setParent(r.parent);
  return opts;
}

async function providerMessage(p: AnalyzedResource): Promise<any> {
  const msg = new analyzerproto.AnalyzerProviderResource();
  msg.setType(p.type);
  msg.setName(p.name);
  msg.setUrn(p.urn);
  msg.setProperties(await wireProperties(p));
  return msg;
}

function diagnostics(resp: any, defaultUrn: string): Diagnostic[] {
  return resp.getDiagnosticsList().map((d: any) => {
    const description: string = d.getDescription();
    const message: string = d.getMessage();
    return {
      policy: d.getPolicyname(),
      enforcementLevel: LEVELS[d.getEnforcementlevel()],
      urn: d.getUrn() || defaultUrn,
      message: message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message,
      description,
    };
  });
}

/** Start the pack in `dir` (its `index.ts` through the repo's loader, or a built `index.js`) and connect to it. */
export async function startPolicyPack(dir: string, entry: string = "index.ts"): Promise<PolicyPackProcess> {
  const args = ["-r", PACK_PARENT, ...(entry.endsWith(".ts") ? ["-r", REGISTER, entry] : [entry])];
  // stdin is a pipe only so that the pack's process sees it end when this process ends (local/packParent.js).
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
  // From the start, not once the pack serves: a plan that exits before the port arrives must not leave it running.
  const stop = () => child.kill();
  process.once("exit", stop);
  let stderr = "";
  child.stderr!.on("data", (b) => (stderr += b));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => fail(`printed no port within ${STARTUP_TIMEOUT_MS / 1000} s`), STARTUP_TIMEOUT_MS);
    const fail = (why: string) => {
      clearTimeout(timer);
      process.removeListener("exit", stop);
      child.kill();
      reject(new Error(`policy pack ${path.join(dir, entry)} ${why}${stderr ? `:\n${stderr.trim()}` : ""}`));
    };
    child.stdout!.on("data", (b) => {
      out += b;
      const line = /^(\d+)\r?\n/.exec(out);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    child.on("exit", (code) => fail(`exited (${code}) before serving`));
    child.on("error", (e) => fail(`could not start: ${e.message}`));
  });
  child.removeAllListeners("exit");
  // The pack's process must never keep the plan alive, nor outlive it.
  child.unref();
  (child.stdin as any)?.unref?.();
  (child.stdout as any)?.unref?.();
  (child.stderr as any)?.unref?.();
  const Client = grpc.makeGenericClientConstructor(analyzerrpc.AnalyzerService, "Analyzer");
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  });
  const call = async (method: string, request: unknown) => {
    try {
      return await unary(client, method, request);
    } catch (e) {
      throw new Error(`policy pack ${method} failed: ${(e as Error).message}${stderr ? `\n${stderr.trim()}` : ""}`);
    }
  };
  const info = await call("getAnalyzerInfo", new analyzerrpc.AnalyzerService.getAnalyzerInfo.requestType());
  const policies = info.getPoliciesList().map((p: any) => ({ name: p.getName() as string, enforcementLevel: LEVELS[p.getEnforcementlevel()] }));

  return {
    name: info.getName(),
    version: info.getVersion(),
    policies,
    async configure(config) {
      // `all` sets every policy's level, as the CLI's pack config allows; a policy's own entry overrides it.
      const unknown = Object.keys(config).filter((k) => k !== "all" && !policies.some((p: { name: string }) => p.name === k));
      if (unknown.length > 0) {
        throw new Error(
          `pack config names policies the pack does not have: ${unknown.join(", ")}. Fix: use one of all, ${policies.map((p: { name: string }) => p.name).join(", ")}`,
        );
      }
      const all = config.all;
      if (all !== undefined && (typeof all !== "string" || !LEVELS.includes(all))) {
        throw new Error(`pack config all = ${JSON.stringify(all)} is not an enforcement level. Fix: use one of ${LEVELS.join(", ")}`);
      }
      const req = new analyzerproto.ConfigureAnalyzerRequest();
      const map = req.getPolicyconfigMap();
      for (const p of policies) {
        const entry = config[p.name];
        const { enforcementLevel, ...settings } = typeof entry === "string" ? { enforcementLevel: entry } : (entry ?? {});
        const pc = new analyzerproto.PolicyConfig();
        const level = enforcementLevel ?? (all as EnforcementLevel | undefined) ?? p.enforcementLevel;
        if (!LEVELS.includes(level)) {
          throw new Error(
            `pack config ${p.name}.enforcementLevel = ${JSON.stringify(level)} is not an enforcement level. Fix: use one of ${LEVELS.join(", ")}`,
          );
        }
        pc.setEnforcementlevel(LEVELS.indexOf(level));
        pc.setProperties(Struct.fromJavaScript(settings));
        map.set(p.name, pc);
      }
      await call("configure", req);
    },
    async analyze(r, provider) {
      const req = new analyzerproto.AnalyzeRequest();
      req.setType(r.type);
      req.setName(r.name);
      req.setUrn(r.urn);
      req.setProperties(await wireProperties(r));
      req.setOptions(options(r));
      if (provider) req.setProvider(await providerMessage(provider));
      return diagnostics(await call("analyze", req), r.urn);
    },
    async analyzeStack(resources, providerOf) {
      const list = await Promise.all(
        resources.map(async (r) => {
          const res = new analyzerproto.AnalyzerResource();
          res.setType(r.type);
          res.setName(r.name);
          res.setUrn(r.urn);
          res.setProperties(await wireProperties(r));
          res.setOptions(options(r));
          const provider = providerOf?.(r);
          if (provider) res.setProvider(await providerMessage(provider));
          if (r.parent) res.setParent(r.parent);
          res.setDependenciesList([...(r.dependencies ?? [])]);
          const deps = res.getPropertydependenciesMap();
          for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
            const d = new analyzerproto.AnalyzerPropertyDependencies();
            d.setUrnsList([...urns]);
            deps.set(key, d);
          }
          return res;
        }),
      );
      const req = new analyzerproto.AnalyzeStackRequest();
      req.setResourcesList(list);
      return diagnostics(await call("analyzeStack", req), "");
    },
    close() {
      client.close();
      process.removeListener("exit", stop);
      child.kill();
    },
  };
}

/** Every resource through analyze, then the whole stack through analyzeStack: what one preview reports. */
export async function analyzeAll(analyzer: Analyzer, resources: readonly AnalyzedResource[]): Promise<Diagnostic[]> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  // A provider reference is "<urn>::<id>"; the urn itself contains "::", so the id is after the last one.
  const providerOf: ProviderOf = (r) => (r.provider ? byUrn.get(r.provider.slice(0, r.provider.lastIndexOf("::"))) : undefined);
  const perResource = await Promise.all(resources.map((r) => analyzer.analyze(r, providerOf(r))));
  return [...perResource.flat(), ...(await analyzer.analyzeStack(resources, providerOf))];
}
