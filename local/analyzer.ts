import * as pulumi from "@pulumi/pulumi";
import { EnforcementLevel, Policies, PolicyPackArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

/**
 * Runs a policy pack in-process exactly as `pulumi preview --policy-pack` does, minus gRPC: the analyze and
 * analyzeStack functions come from @pulumi/policy's own server module (the ones its gRPC server registers),
 * and are called with the same protobuf requests the CLI sends. So enforcement levels, type matching,
 * notApplicable and unknown-value handling are the SDK's, not a re-implementation.
 *
 * This is the one module that touches those internals (server.js `makeAnalyzeRpcFun` /
 * `makeAnalyzeStackRpcFun`, the analyzer protobufs): an SDK upgrade that moves them breaks here only.
 * It never calls `serve` (which starts a server and may `process.exit`).
 */

/* eslint-disable @typescript-eslint/no-require-imports */
type RpcFun = (call: { request: unknown }, callback: (err: unknown, resp: any) => void) => Promise<void>;
const server: {
  makeAnalyzeRpcFun(name: string, version: string, level: EnforcementLevel, policies: Policies): RpcFun;
  makeAnalyzeStackRpcFun(name: string, version: string, level: EnforcementLevel, policies: Policies): RpcFun;
} = require("@pulumi/policy/server");
const { convertEnforcementLevel } = require("@pulumi/policy/protoutil") as { convertEnforcementLevel(el: number): EnforcementLevel };
const analyzerproto = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

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
}

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
  analyze(resource: AnalyzedResource): Promise<Diagnostic[]>;
  analyzeStack(resources: readonly AnalyzedResource[]): Promise<Diagnostic[]>;
}

/**
 * Pack config reaches policies through the server's `configure` RPC, which is not exported; apply it the way
 * that RPC does instead: the configured level replaces the policy's, and the settings are what getConfig returns.
 */
function configured(policies: Policies, config: PackConfig): Policies {
  return policies.map((p) => {
    const entry = config[p.name];
    if (entry === undefined) return p;
    const { enforcementLevel, ...settings } = typeof entry === "string" ? { enforcementLevel: entry } : entry;
    const withConfig = <F extends (args: any, report: any) => unknown>(fn: F): F => {
      const wrapped = ((args: any, report: any) => fn({ ...args, getConfig: () => settings }, report)) as F;
      (wrapped as any).__pulumiType = (fn as any).__pulumiType;
      return wrapped;
    };
    const level = enforcementLevel ?? p.enforcementLevel;
    const r = p as ResourceValidationPolicy;
    const s = p as StackValidationPolicy;
    if (s.validateStack) return { ...s, enforcementLevel: level, validateStack: withConfig(s.validateStack) };
    const v = r.validateResource;
    return { ...r, enforcementLevel: level, validateResource: Array.isArray(v) ? v.map(withConfig) : v && withConfig(v) };
  });
}

/**
 * The engine's wire form of a resource's inputs, built once per resource: the per-resource and the stack analysis
 * both read it (neither mutates it); serializing every input twice cost ~30 ms of the prod plan's 0.24 s analysis.
 */
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

function call(fn: RpcFun, request: unknown): Promise<any> {
  return new Promise((resolve, reject) => {
    fn({ request }, (err, resp) => (err ? reject(err) : resolve(resp))).catch(reject);
  });
}

function diagnostics(resp: any, defaultUrn: string): Diagnostic[] {
  return resp.getDiagnosticsList().map((d: any) => {
    const description: string = d.getDescription();
    const message: string = d.getMessage();
    return {
      policy: d.getPolicyname(),
      enforcementLevel: convertEnforcementLevel(d.getEnforcementlevel()),
      urn: d.getUrn() || defaultUrn,
      message: message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message,
      description,
    };
  });
}

export function createAnalyzer(packName: string, packVersion: string, pack: PolicyPackArgs, config: PackConfig = {}): Analyzer {
  const policies = configured(pack.policies, config);
  const level = pack.enforcementLevel ?? "advisory";
  const analyzeFn = server.makeAnalyzeRpcFun(packName, packVersion, level, policies);
  const analyzeStackFn = server.makeAnalyzeStackRpcFun(packName, packVersion, level, policies);
  return {
    async analyze(r) {
      const req = new analyzerproto.AnalyzeRequest();
      req.setType(r.type);
      req.setName(r.name);
      req.setUrn(r.urn);
      req.setProperties(await wireProperties(r));
      req.setOptions(options(r));
      return diagnostics(await call(analyzeFn, req), r.urn);
    },
    async analyzeStack(resources) {
      const list = await Promise.all(
        resources.map(async (r) => {
          const res = new analyzerproto.AnalyzerResource();
          res.setType(r.type);
          res.setName(r.name);
          res.setUrn(r.urn);
          res.setProperties(await wireProperties(r));
          res.setOptions(options(r));
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
      return diagnostics(await call(analyzeStackFn, req), "");
    },
  };
}

/** Every resource through analyze, then the whole stack through analyzeStack: what one preview reports. */
export async function analyzeAll(analyzer: Analyzer, resources: readonly AnalyzedResource[]): Promise<Diagnostic[]> {
  const perResource = await Promise.all(resources.map((r) => analyzer.analyze(r)));
  return [...perResource.flat(), ...(await analyzer.analyzeStack(resources))];
}
