import { describe, expect, it } from "@effect/vitest"
import { duckDbType, parseCreateExternalTable, trinoToDuckDb } from "./AthenaSql.js"

describe("parseCreateExternalTable", () => {
  it("reads a CUR 2.0 Parquet table: name, columns (map types included), location", () => {
    const t = parseCreateExternalTable(`CREATE EXTERNAL TABLE IF NOT EXISTS cur.cur2 (
      line_item_usage_account_id string, resource_tags map<string,string>, line_item_unblended_cost double)
      PARTITIONED BY (billing_period string)
      STORED AS PARQUET LOCATION 's3://cur-bucket/exports/cur2'`)
    expect(t).toEqual({
      database: "cur",
      table: "cur2",
      columns: ["line_item_usage_account_id", "resource_tags", "line_item_unblended_cost"],
      declared: [
        { name: "line_item_usage_account_id", type: "string" },
        { name: "resource_tags", type: "map<string,string>" },
        { name: "line_item_unblended_cost", type: "double" },
        { name: "billing_period", type: "string" }
      ],
      format: "parquet",
      location: "s3://cur-bucket/exports/cur2/",
      skipHeader: false,
      ifNotExists: true
    })
  })

  it("reads a CSV table with a header line and backquoted names, without a database", () => {
    const t = parseCreateExternalTable("CREATE EXTERNAL TABLE `lines` (`day` string, cost decimal(18,6)) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://b/p/' TBLPROPERTIES ('skip.header.line.count'='1')")
    expect(t).toMatchObject({ database: undefined, table: "lines", columns: ["day", "cost"], format: "csv", location: "s3://b/p/", skipHeader: true, ifNotExists: false })
  })

  it("is undefined for other statements and for a table without a location", () => {
    expect(parseCreateExternalTable("SELECT 1")).toBeUndefined()
    expect(parseCreateExternalTable("CREATE EXTERNAL TABLE t (a string) STORED AS PARQUET")).toBeUndefined()
  })
})

describe("duckDbType", () => {
  it("spells Hive's column types as DuckDB does, nested ones too, and anything unknown as VARCHAR", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["string", "VARCHAR"], ["varchar(20)", "VARCHAR"], ["INT", "INTEGER"], ["bigint", "BIGINT"], ["double", "DOUBLE"], ["boolean", "BOOLEAN"],
      ["timestamp", "TIMESTAMP"], ["decimal(18,6)", "DECIMAL(18, 6)"], ["decimal", "DECIMAL(10, 0)"], ["array<string>", "VARCHAR[]"],
      ["map<string,string>", "MAP(VARCHAR, VARCHAR)"], ["struct<a:int, b:array<double>>", 'STRUCT("a" INTEGER, "b" DOUBLE[])'], ["uniontype<int>", "VARCHAR"]
    ]
    for (const [hive, duck] of cases) expect([hive, duckDbType(hive)]).toEqual([hive, duck])
  })
})

describe("trinoToDuckDb", () => {
  it("element_at(map, key) becomes map_extract_value, which gives the value, not a list", () => {
    expect(trinoToDuckDb("NULLIF(element_at(resource_tags, 'user_cost_center'), '')")).toBe("NULLIF(map_extract_value(resource_tags, 'user_cost_center'), '')")
    expect(trinoToDuckDb("ELEMENT_AT (m, 'k')")).toBe("map_extract_value(m, 'k')")
  })

  it("leaves what both dialects spell alike untouched", () => {
    const sql = `SELECT CAST(SUM(CAST("c" AS decimal(38, 9))) AS varchar) FROM "AwsDataCatalog"."cur"."t" WHERE "d" >= TIMESTAMP '2026-10-01 00:00:00' GROUP BY 1`
    expect(trinoToDuckDb(sql)).toBe(sql)
  })
})
