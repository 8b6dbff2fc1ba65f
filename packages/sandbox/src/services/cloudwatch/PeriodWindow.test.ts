import { describe, expect, it } from "@effect/vitest"
import { alignStartTime, periodOf, periodStart, periodWindow } from "./PeriodWindow.js"

const DAY = 86_400_000
const now = new Date("2026-11-27T12:32:34.500Z")
/** A StartTime `days` before now, at `clock` (UTC hh:mm:ss) of that day. */
const daysAgoAt = (days: number, clock: string): Date => new Date(`${new Date(now.getTime() - days * DAY).toISOString().slice(0, 10)}T${clock}Z`)
const iso = (d: Date) => d.toISOString()

describe("alignStartTime", () => {
  it("rounds down to the minute, five minutes or hour by the StartTime's age, as the API reference's examples do (12:32:34)", () => {
    expect(iso(alignStartTime(daysAgoAt(2, "12:32:34"), 3600, now))).toBe(iso(daysAgoAt(2, "12:32:00")))
    expect(iso(alignStartTime(daysAgoAt(20, "12:32:34"), 3600, now))).toBe(iso(daysAgoAt(20, "12:30:00")))
    expect(iso(alignStartTime(daysAgoAt(70, "12:32:34"), 3600, now))).toBe(iso(daysAgoAt(70, "12:00:00")))
    // The band depends on the StartTime's age, not on the period.
    expect(iso(alignStartTime(daysAgoAt(20, "12:32:34"), 60, now))).toBe(iso(daysAgoAt(20, "12:30:00")))
    expect(iso(alignStartTime(daysAgoAt(2, "12:32:34"), 86_400, now))).toBe(iso(daysAgoAt(2, "12:32:00")))
  })

  it("puts exactly 15 days in the five-minute band and exactly 63 days too; a millisecond more is the hour band", () => {
    const at = (ageMs: number) => new Date(now.getTime() - ageMs)
    expect(iso(alignStartTime(at(15 * DAY - 1), 60, now))).toBe("2026-11-12T12:32:00.000Z")
    expect(iso(alignStartTime(at(15 * DAY), 60, now))).toBe("2026-11-12T12:30:00.000Z")
    expect(iso(alignStartTime(at(63 * DAY), 60, now))).toBe("2026-09-25T12:30:00.000Z")
    expect(iso(alignStartTime(at(63 * DAY + 1), 60, now))).toBe("2026-09-25T12:00:00.000Z")
  })

  it("rounds a high-resolution period's StartTime to that many seconds of the minute (01:05:23 by 10 s: 01:05:20; 15:02:17 by 5 s: 15:02:15)", () => {
    const recent = new Date("2026-11-27T12:00:00Z")
    expect(iso(alignStartTime(new Date("2026-11-27T01:05:23.400Z"), 10, recent))).toBe("2026-11-27T01:05:20.000Z")
    expect(iso(alignStartTime(new Date("2026-11-27T11:02:17Z"), 5, recent))).toBe("2026-11-27T11:02:15.000Z")
    expect(iso(alignStartTime(new Date("2026-11-27T11:02:47Z"), 30, recent))).toBe("2026-11-27T11:02:30.000Z")
    expect(iso(alignStartTime(new Date("2026-11-27T11:02:47.900Z"), 1, recent))).toBe("2026-11-27T11:02:47.000Z")
    // A period of a minute or more, or one that divides no minute evenly, rounds to the minute.
    expect(iso(alignStartTime(new Date("2026-11-27T11:02:47Z"), 120, recent))).toBe("2026-11-27T11:02:00.000Z")
    expect(iso(alignStartTime(new Date("2026-11-27T11:02:47Z"), 7, recent))).toBe("2026-11-27T11:02:00.000Z")
  })

  it("leaves an aligned StartTime as it is (the same Date), and rounds a StartTime after now to the minute", () => {
    const aligned = daysAgoAt(3, "10:00:00")
    expect(alignStartTime(aligned, 3600, now)).toBe(aligned)
    expect(iso(alignStartTime(new Date(now.getTime() + 90_000), 60, now))).toBe("2026-11-27T12:34:00.000Z")
  })
})

describe("periodWindow", () => {
  const start = Date.UTC(2026, 10, 1, 10, 7)
  const HOUR = 3_600_000
  const window = periodWindow(start, start + 2 * HOUR + 30 * 60_000, HOUR)

  it("counts periods from the start, the last one cut short by the end", () => {
    expect(window.count).toBe(3)
    expect([0, 1, 2].map((k) => new Date(periodStart(window, k)).toISOString())).toEqual(["2026-11-01T10:07:00.000Z", "2026-11-01T11:07:00.000Z", "2026-11-01T12:07:00.000Z"])
    expect(periodWindow(start, start, HOUR).count).toBe(0)
    expect(periodWindow(start, start + HOUR, 0).count).toBe(0)
    expect(periodWindow(start, start + HOUR, HOUR).count).toBe(1)
    expect(periodWindow(start, start + HOUR + 1, HOUR).count).toBe(2)
  })

  it("places a time in the period that holds it: the start inclusive, the end exclusive", () => {
    const cases: ReadonlyArray<readonly [number, number | undefined]> = [
      [start - 1, undefined],
      [start, 0],
      [start + HOUR - 1, 0],
      [start + HOUR, 1],
      [start + 2 * HOUR + 29 * 60_000, 2],
      [start + 2 * HOUR + 30 * 60_000, undefined]
    ]
    for (const [t, k] of cases) expect(periodOf(window, t)).toBe(k)
    expect(periodOf(periodWindow(start, start + HOUR, 0), start)).toBeUndefined()
  })
})
