import { describe, expect, it } from "@effect/vitest"
import { Budget, MicroUsd } from "@miyabi/types"
import { type DailyCost, forecastBudgets, forecastCustomer } from "./Budgets.js"

const usd = (n: number) => MicroUsd.make(Math.round(n * 1_000_000))
const days = (customer: string, month: string, costs: ReadonlyArray<number>): Array<DailyCost> =>
  costs.map((c, i) => ({ customer, date: `${month}-${String(i + 1).padStart(2, "0")}`, cost: usd(c) }))

describe("Budgets", () => {
  it("projects linearly with fewer than 14 days", () => {
    // 2026-11 has 30 days; 10 days at $10 -> $100 to date, $300 at month end
    const [acme] = forecastBudgets("2026-11", "2026-11-10", days("acme", "2026-11", Array(10).fill(10)), [
      new Budget({ customer: "acme", monthlyLimit: usd(250) })
    ])
    expect(acme).toMatchObject({ method: "linear", monthToDate: usd(100), forecast: usd(300), daysObserved: 10, daysInMonth: 30, alert: true })
  })

  it("does not alert when the forecast stays within the budget", () => {
    const [acme] = forecastBudgets("2026-11", "2026-11-10", days("acme", "2026-11", Array(10).fill(10)), [
      new Budget({ customer: "acme", monthlyLimit: usd(300) })
    ])
    expect(acme?.alert).toBe(false)
  })

  it("uses weekday seasonality from 14 days on", () => {
    // 2026-11-01 is a Sunday. Weekdays cost $10, weekends $1.
    const costs = Array.from({ length: 14 }, (_, i) => ([0, 6].includes(new Date(Date.UTC(2026, 10, i + 1)).getUTCDay()) ? 1 : 10))
    const forecast = forecastCustomer("acme", "2026-11", 14, new Map(costs.map((c, i) => [i + 1, c * 1_000_000])))
    // Days 15-30: 16 days, of which Sun 15, Sat 21, Sun 22, Sat 28, Sun 29 are weekend -> 11 x $10 + 5 x $1
    expect(forecast.method).toBe("weekday-seasonal")
    expect(forecast.monthToDate).toBe(usd(10 * 10 + 4 * 1))
    expect(forecast.forecast).toBe(usd(104 + 11 * 10 + 5 * 1))
    // Linear would have said 104 / 14 x 30 = 222.86
    expect(forecastCustomer("acme", "2026-11", 13, new Map(costs.map((c, i) => [i + 1, c * 1_000_000]))).method).toBe("linear")
  })

  it("counts missing days as zero, ignores later days and other months, and lists budgets without cost", () => {
    const costs = [...days("acme", "2026-11", [4, 0, 0, 0]), { customer: "acme", date: "2026-11-20", cost: usd(999) }, { customer: "acme", date: "2026-10-31", cost: usd(999) }]
    const result = forecastBudgets("2026-11", "2026-11-04", costs, [new Budget({ customer: "globex", monthlyLimit: usd(1) })])
    expect(result.map((f) => [f.customer, f.monthToDate, f.forecast, f.alert])).toEqual([
      ["acme", usd(4), usd(30), false],
      ["globex", 0, 0, false]
    ])
  })

  it("handles February and a month already over", () => {
    const [f] = forecastBudgets("2028-02", "2028-03-05", days("a", "2028-02", Array(29).fill(1)), [])
    expect(f).toMatchObject({ daysInMonth: 29, daysObserved: 29, forecast: usd(29), monthToDate: usd(29) })
  })
  it("rounds the projection to the nearest micro-dollar, not down or up", () => {
    // 2026-11 has 30 days. 2 micro-dollars in 7 days: 2 / 7 x 23 days left = 6.57 -> 7, forecast 2 + 7 = 9 (floor would say 8).
    expect(forecastCustomer("a", "2026-11", 7, new Map([[1, 2]])).forecast).toBe(9)
    // 1 micro-dollar in 7 days: 1 / 7 x 23 = 3.29 -> 3, forecast 1 + 3 = 4 (ceil would say 5).
    expect(forecastCustomer("a", "2026-11", 7, new Map([[1, 1]])).forecast).toBe(4)
  })

  it("clamps the observed days to the month", () => {
    // A day past the month end observes the whole month (30 days of November), a day before it observes none.
    expect(forecastCustomer("a", "2026-11", 40, new Map([[1, 5]]))).toMatchObject({ daysObserved: 30, monthToDate: 5, forecast: 5 })
    expect(forecastCustomer("a", "2026-11", -1, new Map())).toMatchObject({ daysObserved: 0, monthToDate: 0, forecast: 0 })
  })

  it("sums several costs of one customer on one day and lists customers in id order", () => {
    // globex: $2 + $3 on day 1 of 2026-11, asOf day 1: $5 to date, x 30 days = $150. acme has a budget only.
    const costs: Array<DailyCost> = [
      { customer: "globex", date: "2026-11-01", cost: usd(2) },
      { customer: "globex", date: "2026-11-01", cost: usd(3) }
    ]
    const result = forecastBudgets("2026-11", "2026-11-01", costs, [new Budget({ customer: "acme", monthlyLimit: usd(1) })])
    expect(result.map((f) => [f.customer, f.monthToDate, f.forecast])).toEqual([
      ["acme", 0, 0],
      ["globex", usd(5), usd(150)]
    ])
  })
  it("ignores another month's cost even on a day number already observed", () => {
    // October 2nd's $999 is not November 2nd's: November has $3 on day 1 over 4 observed days, x 30 / 4 = $22.50.
    const costs = [{ customer: "acme", date: "2026-10-02", cost: usd(999) }, { customer: "acme", date: "2026-11-01", cost: usd(3) }]
    const [acme] = forecastBudgets("2026-11", "2026-11-04", costs, [])
    expect(acme).toMatchObject({ monthToDate: usd(3), forecast: usd(22.5) })
  })
})
