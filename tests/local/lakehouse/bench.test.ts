import * as assert from "assert";
import { FLOOR_TABLES, measureWriteFloor } from "../../../local/bench-lakehouse";
import { runLakehouse } from "../../../local/lakehouse/run";

describe("lakehouse bench: the write floor", () => {
  it("copies every bronze and silver event row of the finished run once, on the open lakehouse, and leaves no table behind", async () => {
    let counted = 0;
    let floorRows = 0;
    let leftOver: unknown[] = [];
    await runLakehouse({
      events: 20_000,
      seed: 3,
      days: 2,
      beforeClose: async (lake) => {
        for (const table of FLOOR_TABLES) counted += Number((await lake.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
        floorRows = (await measureWriteFloor(lake)).rows;
        leftOver = await lake.query("SELECT table_name FROM duckdb_tables() WHERE table_name = 'bench_write_floor'");
      },
    });
    assert.ok(counted > 20_000, `bronze and silver hold the run's events (${counted})`);
    assert.strictEqual(floorRows, counted);
    assert.deepStrictEqual(leftOver, []);
  });
});
