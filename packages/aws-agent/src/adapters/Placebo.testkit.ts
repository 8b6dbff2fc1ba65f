/**
 * Test support: the real AWS responses recorded by cloud-custodian's placebo
 * (../shared/reference-data/placebo, Apache-2.0), turned back into what an
 * SDK v3 client returns (botocore's datetime objects become Dates) or throws
 * (an error named after AWS's code, with its HTTP status), and an AWS runtime
 * whose caller account is the recordings' account.
 */
import { AwsRuntime } from "@miyabi/aws-runtime"
import { AccountId, Region } from "@miyabi/types"
import { Duration } from "effect"
import { readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"

/** The clone's root (CI has shared/ beside the clone). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..")
export const referenceData = path.resolve(repoRoot, "../shared/reference-data")

const revive = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(revive)
  if (value !== null && typeof value === "object") {
    const o = value as Record<string, unknown>
    if (o["__class__"] === "datetime") {
      const n = (k: string) => Number(o[k] ?? 0)
      return new Date(Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"), Math.round(n("microsecond") / 1000)))
    }
    return Object.fromEntries(Object.entries(o).filter(([k]) => k !== "ResponseMetadata").map(([k, v]) => [k, revive(v)]))
  }
  return value
}

interface Recording {
  readonly status_code: number
  readonly data: unknown
}

const read = (service: string, file: string): Recording => JSON.parse(readFileSync(path.join(referenceData, "placebo", service, file), "utf8")) as Recording

/** A successful recording's output, as the SDK would return it. */
export const placebo = <T>(service: string, file: string): T => revive(read(service, file).data) as T

/** A failed recording as the error the SDK would throw. */
export const placeboError = (service: string, file: string): Error => {
  const recording = read(service, file)
  const error = (recording.data as { readonly Error?: { readonly Code?: string; readonly Message?: string } }).Error
  return Object.assign(new Error(error?.Message ?? error?.Code ?? "error"), {
    name: error?.Code ?? "Unknown",
    $fault: recording.status_code >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: recording.status_code }
  })
}

export const ACCOUNT = AccountId.make("123456789012")
export const target = (region = "us-east-1") => ({ account: ACCOUNT, region: Region.make(region) })

/** Static keys (never used: sends are mocked) and fast retries. */
export const runtime = AwsRuntime.layer(
  { region: "us-east-1", retryBaseDelay: Duration.millis(1), retryMaxDelay: Duration.millis(2) },
  { baseCredentials: () => Promise.resolve({ accessKeyId: "AKIDTEST", secretAccessKey: "secret" }) }
)
