/**
 * Run supervision, as Pulumi's language host does it: a rejection nobody handles fails the run, a run that waits on
 * what never comes is declared stalled when Node runs out of work, and a failed run's remaining work settles inside it.
 */

/**
 * RunOptions.failedRunGraceMs's default: long enough for a failed run's slow remaining work (a lookup, the Lambda code
 * paths walk) to finish inside it rather than in the next run; it is only ever waited out in full when something can
 * never finish and Node stays busy anyway.
 */
export const FAILED_RUN_GRACE_MS = 60_000;

let activeRuns = 0;

/** Bracket a run: while any is active, stalls are the harness's to report. */
export function runStarted(): () => void {
  activeRuns++;
  return () => {
    activeRuns--;
  };
}

/** Whether a program is running under the harness now (its stalls are the harness's to report: watchForStall). */
export const runInProgress = (): boolean => activeRuns > 0;

/**
 * A program can wait on something that never happens: an output of a resource that failed to register, or a promise
 * nothing resolves. `pulumi up` then ends when Node runs out of work, and fails. The harness does the same: Node
 * emits `beforeExit` when its event loop is empty, which cannot happen while any referenced handle or request of the
 * run (I/O, a timer, a child process) is pending; an unref'd timer does not count, for `pulumi up` neither. As
 * Pulumi's language host does (cmd/run/index.js), it lets the work other `beforeExit` listeners schedule run first
 * (a program's own, @pulumi/aws's S3 notification hook) and declares the run stalled only at the next empty loop,
 * once that event's listeners and what they resolved have run; the run then fails with its first unhandled rejection,
 * or with "never finished". (A program that, from a `beforeExit` listener, starts a timer that later completes its
 * outputs is declared stalled here, where `pulumi up` would wait for it.) Where the loop never empties
 * (mocha's timers, a program's open handle), a stall with no rejection waits for the test's timeout or forever,
 * as `pulumi up` would; one with a rejection fails at once (runProgram).
 */
export function watchForStall(firstRejection: () => unknown): { readonly stalled: Promise<never>; stop(): void } {
  const { promise: stalled, fail } = failure();
  let armed = false;
  let stopped = false;
  const listener = () => {
    if (!armed) {
      armed = true;
      setImmediate(() => undefined); // another turn, so Node emits beforeExit again if nothing else comes of it
      return;
    }
    // Decided after this event's other listeners (the program's own among them) and what they resolved have run.
    setImmediate(() => {
      if (stopped) return;
      fail(
        firstRejection() ??
          new Error(
            "the program never finished: it waits on a value nothing will ever provide (an output of a resource that never registers, or a promise nothing resolves)",
          ),
      );
    });
  };
  process.on("beforeExit", listener);
  return {
    stalled,
    stop: () => {
      stopped = true;
      process.off("beforeExit", listener);
    },
  };
}

/**
 * Pulumi's language host (`@pulumi/pulumi/cmd/run`) catches every rejection a program leaves unhandled, reports it
 * and fails the update; it never lets one end the process. During a run the harness does the same: such a
 * rejection fails the run with that error (the first one), at once. A failed run's other rejections (every output
 * that depended on what failed) surface before the run returns, since it waits for the runtime's RPCs (bounded when
 * some can never finish: runProgram) and a turn of the event loop, so they can neither crash a CLI plan nor land
 * in the next run.
 */
export function collectUnhandledRejections(): {
  readonly first: unknown;
  /** Rejects with the first rejection nobody handled; never resolves. */
  readonly failed: Promise<never>;
  settled(): Promise<void>;
  stop(): void;
} {
  const seen: unknown[] = [];
  const { promise: failed, fail } = failure();
  const listener = (reason: unknown) => {
    seen.push(reason);
    if (seen.length === 1) fail(withContext(reason));
  };
  process.on("unhandledRejection", listener);
  return {
    get first() {
      return seen.length > 0 ? withContext(seen[0]) : undefined;
    },
    failed,
    settled: () => new Promise<void>((resolve) => setImmediate(resolve)),
    stop: () => process.off("unhandledRejection", listener),
  };
}

/** A promise that only ever rejects, when `fail` is called; it is raced, never awaited alone, so never unhandled. */
function failure(): { readonly promise: Promise<never>; fail(e: unknown): void } {
  let fail!: (e: unknown) => void;
  const promise = new Promise<never>((_, reject) => (fail = reject));
  promise.catch(() => undefined);
  return { promise, fail };
}

function withContext(reason: unknown): Error {
  const e = reason instanceof Error ? reason : new Error(String(reason));
  if (!e.message.startsWith("the program left a rejected promise unhandled"))
    e.message = `the program left a rejected promise unhandled: ${e.message}`;
  return e;
}
