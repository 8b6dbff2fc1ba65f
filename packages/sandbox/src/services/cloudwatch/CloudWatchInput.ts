/**
 * What every CloudWatch operation reads and answers alike: its errors (with
 * the legacy query code the SDK picks the exception class by), timestamps
 * and dimensions.
 */
import type { AwsError } from "../../ServiceHandler.js"
import { awsError } from "../../ServiceHandler.js"
import { type Input, records, str } from "../Input.js"

export const cloudWatchError = (code: string, queryCode: string, message: string, status = 400): AwsError => awsError(code, message, { status, queryCode })
export const invalid = (message: string) => cloudWatchError("InvalidParameterValueException", "InvalidParameterValue", message)
export const missing = (name: string) => cloudWatchError("MissingRequiredParameterException", "MissingParameter", `The parameter ${name} is required.`)
export const validation = (message: string) => cloudWatchError("ValidationException", "ValidationError", message)
export const invalidNextToken = () => cloudWatchError("InvalidNextToken", "InvalidNextToken", "The service couldn't process the NextToken.")

/** JSON timestamps are epoch seconds; tolerate ISO strings. */
export const timeOf = (input: Input, key: string): Date | undefined => {
  const value = input[key]
  if (typeof value === "number") return new Date(value * 1000)
  if (typeof value === "string") {
    const d = /^\d+(\.\d+)?$/.test(value) ? new Date(Number(value) * 1000) : new Date(value)
    return Number.isNaN(d.getTime()) ? undefined : d
  }
  return undefined
}

export const dimensionsOf = (input: Input) =>
  records(input, "Dimensions").map((d) => ({ name: str(d, "Name") ?? "", value: str(d, "Value") ?? "" }))
