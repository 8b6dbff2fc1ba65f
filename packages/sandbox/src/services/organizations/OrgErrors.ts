/**
 * Organizations' error shapes and its NextToken paging (MaxResults 1..20).
 */
import { Effect } from "effect"
import type { AwsError } from "../../ServiceHandler.js"
import { awsError } from "../../ServiceHandler.js"
import { type Input, num, str } from "../Input.js"
import { paginate } from "../Pagination.js"

export const err = (code: string, message: string, fields?: Record<string, unknown>): AwsError =>
  awsError(code, message, fields === undefined ? {} : { fields })
export const invalid = (reason: string, message: string) => err("InvalidInputException", message, { Reason: reason })
export const constraint = (reason: string, message: string) => err("ConstraintViolationException", message, { Reason: reason })

/** One page of `items`; `scope` names the listing so a token from another listing is refused. */
export const page = <A>(input: Input, scope: string, items: ReadonlyArray<A>) => {
  const max = num(input, "MaxResults")
  if (max !== undefined && (max < 1 || max > 20)) {
    return Effect.fail(invalid("INVALID_INPUT", "MaxResults must be between 1 and 20."))
  }
  return paginate(items, {
    scope,
    token: str(input, "NextToken"),
    pageSize: max ?? 20,
    invalidToken: () => invalid("INVALID_NEXT_TOKEN", "The specified token is invalid.")
  })
}

export const withToken = (nextToken: string | undefined) => (nextToken === undefined ? {} : { NextToken: nextToken })

