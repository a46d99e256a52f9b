import { strict as assert } from "assert";
import { unwrittenColumns, writtenColumns } from "../../core/sql/columnWriters";
import { loadTableDefs } from "../../core/tables";

describe("core/sql/columnWriters: which columns the platform's SQL writes", () => {
  it("reads MERGE inserts and updates, INSERT INTO lists and UPDATE SET, for the tables something inserts into", () => {
    const w = writtenColumns([
      `MERGE INTO s.a AS t USING (SELECT 1) AS s ON t.k = s.k
       WHEN MATCHED AND (s.x <> t.x OR s.y = 1) THEN UPDATE SET x = s.x, y = greatest(t.y, s.y)
       WHEN NOT MATCHED THEN INSERT (k, X) VALUES (s.k, s.x);`,
      "INSERT INTO s.b (p, q) SELECT 1, 2;",
      "UPDATE s.b SET r = NULL WHERE p = 1;",
      "UPDATE s.c SET z = 1;",
    ]);
    assert.deepEqual([...w.get("s.a")!].sort(), ["k", "x", "y"]);
    assert.deepEqual([...w.get("s.b")!].sort(), ["p", "q", "r"]);
    assert.equal(w.has("s.c"), false, "a table only updated gets its rows elsewhere (bronze: Firehose, Glue)");
  });

  it("every column of every table the repository's SQL inserts into is written by some statement", () => {
    assert.deepEqual(unwrittenColumns([...loadTableDefs().values()]), []);
  });

  it("names a column the DDL has and no statement writes", () => {
    const defs = [...loadTableDefs().values()];
    const orders = defs.find((d) => d.name === "order_events" && d.namespace === "retail_silver")!;
    const grown = { ...orders, columns: [...orders.columns, { name: "store_id", sqlType: "string", icebergType: "string" }] };
    assert.deepEqual(
      unwrittenColumns([grown]).map((c) => `${c.table}.${c.column}`),
      ["retail_silver.order_events.store_id"],
    );
  });
});
