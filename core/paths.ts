import * as path from "path";

/** Repository root and the SQL folder, resolved from this file so every tool works from any working directory. */
export const REPO_ROOT = path.resolve(__dirname, "..");
export const SQL_DIR = path.join(REPO_ROOT, "sql");
