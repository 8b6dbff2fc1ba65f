/** How a failed read shows in the world's coverage section. */
import type { AwsError } from "@miyabi/aws-runtime"
import type { CoverageStatus } from "@miyabi/types"

export const coverageStatus = (error: AwsError): CoverageStatus =>
  error.reason === "AccessDenied" ? "denied" : error.reason === "OptInRequired" ? "opt-in" : "error"
