import * as fs from "fs";
import * as path from "path";

/** File the Operations component writes beside each bundle: the SQL and settings the handler runs with. */
export const SETTINGS_FILE = "settings.json";

/** Read once per container, at cold start: the settings change only with a deployment. */
export function readSettings<T>(): T {
  return JSON.parse(fs.readFileSync(path.join(__dirname, SETTINGS_FILE), "utf8")) as T;
}
