import * as path from "path";
import { byType, ProgramRun, readStackFile, RecordedResource, runProgram } from "../../local/harness";

/** A salt of valid shape for tests; real stacks set theirs with `pulumi config set --secret`. */
export const TEST_SALT = "test-salt-0123456789-abcdefghijklmnopqrstuvwxyz";
export const REPO = path.resolve(__dirname, "..", "..");
export const PROGRAM = path.join(REPO, "infra", "index.ts");

/** The engine-form config of a committed stack file, plus the test salt. */
export function stackConfig(stack: string, overrides: Record<string, unknown> = {}): Record<string, string> {
  const { config } = readStackFile(path.join(REPO, `Pulumi.${stack}.yaml`));
  const merged: Record<string, string> = { ...config, "retail:emailHashSalt": TEST_SALT };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete merged[k];
    else merged[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return merged;
}

const cache = new Map<string, Promise<ProgramRun>>();

/** Run the real program for a committed stack under mocks; memoised, since a run takes seconds. */
export function runStack(stack: "dev" | "prod"): Promise<ProgramRun> {
  if (!cache.has(stack)) {
    cache.set(stack, runProgram({ stack, config: stackConfig(stack), secretKeys: ["retail:emailHashSalt"], program: PROGRAM }));
  }
  return cache.get(stack)!;
}

/** Run the real program with config changes (not memoised). */
export function runWith(stack: "dev" | "prod", overrides: Record<string, unknown>): Promise<ProgramRun> {
  return runProgram({ stack, config: stackConfig(stack, overrides), secretKeys: ["retail:emailHashSalt"], program: PROGRAM });
}

export function named(run: ProgramRun, type: string, name: string): RecordedResource {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  if (!found)
    throw new Error(
      `no ${type} named ${name}; have: ${byType(run, type)
        .map((r) => r.name)
        .join(", ")}`,
    );
  return found;
}

/** A resource's policy document, parsed whether it arrived as a string or an object. */
export function policyDoc(r: RecordedResource): { Statement: Array<{ Sid?: string; Action: string | string[]; Resource: string | string[] }> } {
  const p = r.inputs.policy;
  return typeof p === "string" ? JSON.parse(p) : p;
}
