import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parsePlatformConfig, decodeConfigValue } from "../../infra/config";
import { stackConfig, TEST_SALT } from "./stacks";

/** The validated PlatformConfig of a stack file (optionally edited), as the program would see it. */
export function platformConfig(stack: "dev" | "prod", edit?: (raw: Record<string, any>) => void) {
  const raw: Record<string, any> = {};
  for (const [k, v] of Object.entries(stackConfig(stack))) if (k.startsWith("retail:")) raw[k.slice(7)] = decodeConfigValue(v);
  edit?.(raw);
  return parsePlatformConfig(raw, { project: "retail-analytics", stack, region: "us-east-1", emailHashSalt: TEST_SALT });
}

/** A throwaway gold SQL dir with both variants of each named view. */
export function goldSqlFixture(views: string[], extra: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gold-sql-"));
  for (const mode of ["omnichannel", "store-only"]) {
    fs.mkdirSync(path.join(dir, mode));
    for (const v of views) {
      fs.writeFileSync(
        path.join(dir, mode, `${v}.sql`),
        `-- ${v} (${mode})\nCREATE OR REPLACE VIEW retail_gold.${v} AS\nSELECT CAST(event_ts AS date) AS day, count(*) AS n FROM retail_silver.cart_events GROUP BY 1;\n`,
      );
    }
  }
  for (const [rel, text] of Object.entries(extra)) fs.writeFileSync(path.join(dir, rel), text);
  return dir;
}

export function writeTemp(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kpi-catalog-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}
