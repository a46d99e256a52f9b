import { strict as assert } from "assert";
import { platformConfig } from "../../support/config";

/**
 * Each numeric bound of the config, on both sides: the limit itself is taken, one step past it is refused with the
 * key named. Mutating any bound (a review found these alive) fails here.
 */
interface Bound {
  readonly key: string;
  readonly set: (raw: Record<string, any>, v: number) => void;
  readonly taken: number[];
  readonly refused: number[];
}

const cart = (raw: Record<string, any>) => raw.dataProducts.find((p: { name: string }) => p.name === "cart_events");

const BOUNDS: Bound[] = [
  // Kinesis retention: 24 hours to 365 days.
  { key: "retail:streamRetentionHours", set: (r, v) => (r.streamRetentionHours = v), taken: [24, 8760], refused: [23, 8761] },
  { key: "retail:operations.reconcileTolerance", set: (r, v) => (r.operations.reconcileTolerance = v), taken: [0, 0.5], refused: [-0.001, 0.501] },
  {
    key: "retail:dataProducts[0].stream.avgRecordBytes",
    // One record per second, so the size alone is judged (a 1 MiB record is Kinesis's largest).
    set: (r, v) => Object.assign(cart(r).stream, { avgRecordBytes: v, peakRecordsPerSecond: 1 }),
    taken: [1, 1024 * 1024],
    refused: [0, 1024 * 1024 + 1],
  },
];

describe("config bounds, both sides of each", () => {
  for (const b of BOUNDS) {
    it(`${b.key}: takes ${b.taken.join(" and ")}, refuses ${b.refused.join(" and ")} naming the key`, () => {
      for (const v of b.taken) assert.doesNotThrow(() => platformConfig("prod", (raw) => b.set(raw, v)), `${b.key} = ${v}`);
      for (const v of b.refused) {
        assert.throws(
          () => platformConfig("prod", (raw) => b.set(raw, v)),
          (e: Error) => e.message.includes(`${b.key} = ${v}`) && /Fix: /.test(e.message),
          `${b.key} = ${v}`,
        );
      }
    });
  }
});
