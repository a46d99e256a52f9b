"use strict";
// The `.ts` loader for the npm scripts, mocha and the child processes tests start: ts-node without type-checking,
// which `npm run typecheck` (tsc --noEmit) does once for the whole tree.
const path = require("path");

const unmapped = Error.prepareStackTrace;
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
// Pulumi formats a stack for every resource and promise, and source-mapping each frame costs more than the plan's own
// work: stack traces show the emitted JavaScript, whose lines transpiling keeps close to the source's.
Error.prepareStackTrace = unmapped;
