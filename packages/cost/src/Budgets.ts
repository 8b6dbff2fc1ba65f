/**
 * Budgets per customer: month-to-date cost, a month-end forecast and an
 * alert when the forecast exceeds the budget.
 *
 * Forecast: month-to-date plus a projection of the days left. With fewer than
 * `SEASONAL_MIN_DAYS` observed days the projection is linear (mean daily cost
 * x days left); from 14 days on, every weekday has been seen at least twice,
 * so each remaining day is projected by the mean of its own weekday
 * (weekends of a business workload are cheaper than weekdays). Days of the
 * month up to `asOf` without a cost are observed zeros, not gaps.
 */
import { type Budget, type CostDate, type CostMonth, Forecast, MicroUsd } from "@miyabi/types"
import { compareIds } from "./Apportion.js"

export const SEASONAL_MIN_DAYS = 14

export interface DailyCost {
  readonly customer: string
  readonly date: CostDate
  readonly cost: MicroUsd
}

const daysInMonth = (month: CostMonth): number => {
  const [year, m] = month.split("-").map(Number) as [number, number]
  return new Date(Date.UTC(year, m, 0)).getUTCDate()
}

const weekday = (month: CostMonth, day: number): number => {
  const [year, m] = month.split("-").map(Number) as [number, number]
  return new Date(Date.UTC(year, m - 1, day)).getUTCDay()
}

/**
 * Forecasts `month` for one customer from its daily costs, as of the last
 * complete day `asOfDay` (1-based day of the month).
 */
export const forecastCustomer = (
  customer: string,
  month: CostMonth,
  asOfDay: number,
  daily: ReadonlyMap<number, number>,
  budget?: MicroUsd
): Forecast => {
  const days = daysInMonth(month)
  const observed = Math.max(0, Math.min(asOfDay, days))
  const observedCosts = Array.from({ length: observed }, (_, i) => daily.get(i + 1) ?? 0)
  const monthToDate = observedCosts.reduce((sum, c) => sum + c, 0)
  const seasonal = observed >= SEASONAL_MIN_DAYS
  let projection = 0
  if (observed > 0) {
    if (seasonal) {
      const sums = Array.from({ length: 7 }, () => ({ total: 0, n: 0 }))
      observedCosts.forEach((cost, i) => {
        const slot = sums[weekday(month, i + 1)] as { total: number; n: number }
        slot.total += cost
        slot.n += 1
      })
      for (let day = observed + 1; day <= days; day++) {
        const slot = sums[weekday(month, day)] as { total: number; n: number }
        projection += slot.total / slot.n
      }
    } else {
      projection = (monthToDate / observed) * (days - observed)
    }
  }
  const forecast = MicroUsd.make(monthToDate + Math.round(projection))
  return new Forecast({
    customer,
    month,
    daysObserved: observed,
    daysInMonth: days,
    monthToDate: MicroUsd.make(monthToDate),
    forecast,
    method: seasonal ? "weekday-seasonal" : "linear",
    ...(budget === undefined ? {} : { budget }),
    alert: budget !== undefined && forecast > budget
  })
}

/**
 * Forecasts every customer that has a budget or a cost in `month`, as of
 * `asOf` (the last complete day). Costs outside the month or after `asOf` are ignored.
 */
export const forecastBudgets = (
  month: CostMonth,
  asOf: CostDate,
  costs: ReadonlyArray<DailyCost>,
  budgets: ReadonlyArray<Budget>
): ReadonlyArray<Forecast> => {
  const asOfDay = asOf.startsWith(`${month}-`) ? Number(asOf.slice(8, 10)) : asOf < month ? 0 : daysInMonth(month)
  const byCustomer = new Map<string, Map<number, number>>()
  for (const { customer, date, cost } of costs) {
    if (!date.startsWith(`${month}-`)) continue
    const day = Number(date.slice(8, 10))
    if (day > asOfDay) continue
    const days = byCustomer.get(customer) ?? new Map<number, number>()
    days.set(day, (days.get(day) ?? 0) + cost)
    byCustomer.set(customer, days)
  }
  const limits = new Map(budgets.map((b) => [b.customer, b.monthlyLimit]))
  const customers = [...new Set([...byCustomer.keys(), ...limits.keys()])].sort(compareIds)
  return customers.map((customer) =>
    forecastCustomer(customer, month, asOfDay, byCustomer.get(customer) ?? new Map(), limits.get(customer))
  )
}

