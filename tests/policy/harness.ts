import { PolicyResourceOptions, ResourceValidationArgs, ResourceValidationPolicy, unknownCheckingProxy, UnknownValueError } from "@pulumi/policy";

/**
 * Runs one ResourceValidationPolicy on hand-built args that behave like the engine's (server.js `analyze`):
 * props wrapped in `unknownCheckingProxy`, type matching by `__pulumiType`, `notApplicable` that throws,
 * `getConfig` from the pack config, `stackTags`. In the style of cdk-nag's and awsguard's rule harnesses.
 */

export interface Case {
  readonly type: string;
  readonly props: Record<string, any>;
  readonly name?: string;
  readonly protect?: boolean;
  /** This policy's pack config (its settings, without enforcementLevel). */
  readonly config?: Record<string, unknown>;
  readonly stackTags?: Record<string, string>;
  /** The resource's provider as the engine hands it over: its inputs (aws and aws-native JSON-encode defaultTags). */
  readonly provider?: { readonly type: string; readonly props: Record<string, any> };
}

export interface Outcome {
  readonly violations: string[];
  /** Reasons given by validations that did not apply; empty when the policy applied. */
  readonly notApplicable: string[];
  /** Set when the policy read a value unknown at preview (the engine then reports it as advisory). */
  readonly unknown?: string;
}

class NotApplicable extends Error {}

/** The sentinel the engine uses for a string not known until the update. */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export async function runPolicy(policy: ResourceValidationPolicy, c: Case): Promise<Outcome> {
  const validations = policy.validateResource === undefined ? [] : [policy.validateResource].flat();
  const violations: string[] = [];
  const notApplicable: string[] = [];
  let unknown: string | undefined;
  let applied = false;
  const props = unknownCheckingProxy(structuredClone(c.props));
  const opts: PolicyResourceOptions = {
    protect: c.protect ?? false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
  };
  const isType = (cls: unknown) => (cls as { __pulumiType?: string }).__pulumiType === c.type;
  for (const validate of validations) {
    const pulumiType = (validate as { __pulumiType?: string }).__pulumiType;
    if (pulumiType && pulumiType !== c.type) {
      notApplicable.push(`Policy only applies to resources of type '${pulumiType}'`);
      continue;
    }
    const args: ResourceValidationArgs = {
      type: c.type,
      props,
      urn: `urn:pulumi:test::retail-analytics::${c.type}::${c.name ?? "subject"}`,
      name: c.name ?? "subject",
      opts,
      stackTags: new Map(Object.entries(c.stackTags ?? {})),
      isType,
      asType: ((cls: unknown) => (isType(cls) ? props : undefined)) as ResourceValidationArgs["asType"],
      getConfig: <T extends object>() => (c.config ?? {}) as T,
      ...(c.provider
        ? {
            provider: {
              type: c.provider.type,
              props: unknownCheckingProxy(structuredClone(c.provider.props)),
              urn: `urn:pulumi:test::retail-analytics::${c.provider.type}::default`,
              name: "default",
            },
          }
        : {}),
      notApplicable: (reason?: string): never => {
        throw new NotApplicable(reason);
      },
    };
    try {
      await validate(args, (message) => violations.push(message));
      applied = true;
    } catch (e) {
      if (e instanceof NotApplicable) notApplicable.push(e.message);
      else if (e instanceof UnknownValueError) {
        applied = true;
        unknown = (e as Error).message;
      } else throw e;
    }
  }
  return { violations, notApplicable: applied ? [] : notApplicable, unknown };
}

/** Tags as aws-native resources carry them. */
export function tagList(tags: Record<string, string>): { key: string; value: string }[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}
