import * as fs from "fs";

/** Where Debian's `chromium` package puts the browser; CHROMIUM_PATH overrides. */
export const CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

export class ChromiumMissing extends Error {}

/** The system Chromium's path, or a ChromiumMissing error naming the package to install. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = fs.existsSync): string {
  const candidates = env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : CHROMIUM_CANDIDATES;
  const found = candidates.find((p) => exists(p));
  if (!found) {
    throw new ChromiumMissing(
      `no Chromium at ${candidates.join(" or ")}: the browser test needs the system Chromium. Fix: apt-get install -y chromium (Debian package "chromium"), or set CHROMIUM_PATH to a Chromium binary.`,
    );
  }
  return found;
}
