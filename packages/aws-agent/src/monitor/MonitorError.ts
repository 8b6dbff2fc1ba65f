/** θ5's one error: why a watch could not finish. */
import { Schema } from "effect"

export class MonitorError extends Schema.TaggedError<MonitorError>("MonitorError")("MonitorError", {
  reason: Schema.Literal(
    /** CloudWatch refused or failed a read or a write (metrics, alarms, the cost metric). */
    "CloudWatchFailed",
    /** The regressed changes could not be rolled back (θ4 refused or its store failed). */
    "RollbackFailed"
  ),
  message: Schema.String
}) {}
