import * as fs from "fs";
import { parse as parseYaml } from "yaml";

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
