"use strict";
// Preloaded into the policy pack's process by the offline harness (local/analyzer.ts), never by `pulumi preview`: the
// harness holds the write end of this process's stdin, so when the harness is gone, however it ended (a signal, a
// crash, an exit before the pack had printed its port), stdin ends and the pack's process ends with it instead of
// serving forever. The pack itself is untouched: its code and its gRPC server run as the Pulumi CLI runs them.
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
// Reading stdin must not by itself keep the process alive: the pack's server does that while it serves.
process.stdin.unref();
