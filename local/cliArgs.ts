import { Command } from "commander";

/** A bad option or argument on an offline CLI: printed without a stack trace, exit 2. */
export class UsageError extends Error {}

/**
 * Parse `argv` with a command built with `.exitOverride()`: commander's own errors become UsageErrors (help and
 * version still end the run as commander means), and a stray positional argument is refused, not ignored.
 */
export function parseOptions(program: Command, argv: readonly string[]): void {
  try {
    program.parse([...argv], { from: "user" });
  } catch (e) {
    const err = e as { code?: string; message: string };
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version") throw e;
    throw new UsageError(err.message.replace(/^error: /, ""));
  }
  if (program.args.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(program.args[0])}; options start with --, see --help`);
}
