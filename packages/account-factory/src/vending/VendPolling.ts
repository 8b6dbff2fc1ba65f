/**
 * How vending polls DescribeCreateAccountStatus. CreateAccount is
 * asynchronous: AWS answers IN_PROGRESS at once and settles the request
 * later (usually within a minute or two, sometimes much longer). Every
 * creation holds one of AWS's five creation slots until vending *sees* it
 * settle, so the time between the settling and the next read is lost
 * throughput: a first read at 2 s costs 1.5 s per creation when creation
 * takes 0.5 s. Hence a schedule that starts near 250 ms and grows slowly
 * (factor 1.2: a read lands at most ~20 % after the settling), capped (so a
 * slow creation is still seen within the cap), jittered (so many vends do not
 * poll in step against Organizations' request rate), with an overall deadline.
 */
import { Duration, Schedule } from "effect"

export interface VendPolling {
  /** The first wait, after CreateAccount answers IN_PROGRESS. */
  readonly initial: Duration.DurationInput
  /** Each wait is this much longer than the one before (>= 1). */
  readonly factor: number
  /** Each wait is multiplied by a random number in [1 - jitter, 1 + jitter] (0 <= jitter < 1). */
  readonly jitter: number
  /** The longest wait between two reads. */
  readonly cap: Duration.DurationInput
  /** No read is scheduled once this much time has passed since the first. */
  readonly deadline: Duration.DurationInput
}

export const defaultVendPolling: VendPolling = {
  initial: Duration.millis(250),
  factor: 1.2,
  jitter: 0.1,
  cap: Duration.seconds(10),
  deadline: Duration.minutes(20)
}

/**
 * The poll schedule: waits of `initial * factor^n`, jittered, at most `cap`,
 * for at most `deadline` in all. Settings left out take `defaultVendPolling`'s.
 */
export const vendPollSchedule = (settings: Partial<VendPolling> = {}): Schedule.Schedule<Duration.Duration> => {
  const { initial, factor, jitter, cap, deadline } = { ...defaultVendPolling, ...settings }
  if (!(factor >= 1) || !(jitter >= 0 && jitter < 1)) throw new RangeError(`vend polling: factor must be >= 1 and jitter in [0, 1), got ${factor} and ${jitter}`)
  const grown = Schedule.exponential(initial, factor)
  const jittered = jitter === 0 ? grown : grown.pipe(Schedule.jitteredWith({ min: 1 - jitter, max: 1 + jitter }))
  // union waits for the shorter of the two: the jittered exponential until it passes the cap, then the cap.
  return jittered.pipe(Schedule.union(Schedule.spaced(cap)), Schedule.upTo(deadline), Schedule.delays)
}
