import { describe, expect, it } from "@effect/vitest"
import { detectFormat, missingColumns, planQuery, snakeCase } from "./CurColumns.js"

const cols = (...names: ReadonlyArray<string>) => names.map((name) => ({ name, type: "VARCHAR" }))

describe("CurColumns", () => {
  it.each([
    ["CostCenter", "cost_center"],
    ["business_unit", "business_unit"],
    ["App Name", "app_name"],
    ["team2Owner", "team2_owner"]
  ])("spells tag %s as %s in Parquet column names", (tag, snake) => {
    expect(snakeCase(tag)).toBe(snake)
  })

  it("detects the format by its cost column and lists what is missing", () => {
    expect(detectFormat(cols("lineItem/UnblendedCost"))).toBe("legacy-cur")
    expect(detectFormat(cols("line_item_unblended_cost"))).toBe("cur2")
    expect(detectFormat(cols("BilledCost", "EffectiveCost"))).toBe("focus")
    expect(detectFormat(cols("cost"))).toBeUndefined()
    expect(missingColumns("focus", cols("BilledCost", "SubAccountId"))).toEqual(["ChargePeriodStart", "ServiceName", "EffectiveCost"])
  })

  it("finds the customer tag column whatever its spelling and lists the other tag columns", () => {
    const plan = planQuery({
      format: "cur2",
      columns: cols("line_item_usage_start_date", "line_item_usage_account_id", "line_item_product_code", "line_item_unblended_cost", "resource_tags_user_cost_center", "resource_tags_user_team"),
      reader: "t",
      customerTag: "CostCenter"
    })
    expect(plan.customerTagSource).toBe("column resource_tags_user_cost_center")
    expect(plan.otherTagKeys).toEqual(["resource_tags_user_team"])
    expect(plan.sql).toContain("GROUP BY ALL")
    expect(plan.sql).toContain(`NULLIF(TRIM(CAST("resource_tags_user_cost_center" AS VARCHAR)), '')`)
  })

  it("looks a map tag up by the spellings seen in the file, and lists the other keys", () => {
    const plan = planQuery({
      format: "cur2",
      columns: [...cols("line_item_usage_start_date", "line_item_usage_account_id", "line_item_product_code", "line_item_unblended_cost"), { name: "resource_tags", type: "MAP(VARCHAR, VARCHAR)" }],
      reader: "t",
      customerTag: "CostCenter",
      mapKeys: ["user_CostCenter", "user_team"]
    })
    expect(plan.customerTagSource).toBe("resource_tags map key user_cost_center | user_CostCenter")
    expect(plan.otherTagKeys).toEqual(["resource_tags[user_team]"])
    expect(plan.sql).toContain(`NULLIF(COALESCE("resource_tags"['user_cost_center'], "resource_tags"['user_CostCenter']), '')`)
  })

  it("filters FOCUS providers to AWS by default and quotes what it embeds", () => {
    const plan = planQuery({
      format: "focus",
      columns: cols("ChargePeriodStart", "SubAccountId", "ServiceName", "BilledCost", "EffectiveCost", "ProviderName", "Tags"),
      reader: "t",
      customerTag: "it's"
    })
    expect(plan.sql).toContain("WHEN provider NOT IN ('AWS') THEN 'provider ' || provider")
    expect(plan.sql).toContain(`'$."it''s"'`)
  })

  it("amortizes legacy Savings Plan lines at their effective cost when the columns exist", () => {
    const plan = planQuery({
      format: "legacy-cur",
      columns: cols("lineItem/UsageStartDate", "lineItem/UsageAccountId", "lineItem/ProductCode", "lineItem/UnblendedCost", "lineItem/LineItemType", "savingsPlan/SavingsPlanEffectiveCost"),
      reader: "t",
      customerTag: "CostCenter"
    })
    expect(plan.sql).toContain(`TRY_CAST("savingsPlan/SavingsPlanEffectiveCost" AS DECIMAL(38, 9)) AS sp_effective`)
    expect(plan.sql).toContain("WHEN 'SavingsPlanCoveredUsage' THEN sp_effective")
    expect(plan.customerTagSource).toBeUndefined()
  })
})
