/**
 * AWS-style pagination over an in-memory list: an opaque `NextToken` that
 * encodes the offset and the list it belongs to, so a token from another
 * listing is refused as AWS refuses it.
 */
import { Effect } from "effect"
import type { AwsError } from "../ServiceHandler.js"

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  /** Absent when this is the last page. */
  readonly nextToken?: string
}

export const encodeToken = (scope: string, offset: number): string =>
  Buffer.from(JSON.stringify({ s: scope, o: offset })).toString("base64")

export const decodeToken = (scope: string, token: string): number | undefined => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64").toString("utf8"))
    if (typeof parsed !== "object" || parsed === null) return undefined
    const { s, o } = parsed as { s?: unknown; o?: unknown }
    return s === scope && typeof o === "number" && Number.isInteger(o) && o >= 0 ? o : undefined
  } catch {
    return undefined
  }
}

/**
 * One page of `items`. `scope` names the listing (operation + its filters);
 * `invalidToken` is the service's error for a bad token.
 */
export const paginate = <A>(
  items: ReadonlyArray<A>,
  options: { readonly scope: string; readonly token: string | undefined; readonly pageSize: number; readonly invalidToken: () => AwsError }
): Effect.Effect<Page<A>, AwsError> => {
  const offset = options.token === undefined || options.token === "" ? 0 : decodeToken(options.scope, options.token)
  if (offset === undefined) return Effect.fail(options.invalidToken())
  const end = offset + Math.max(1, options.pageSize)
  const page = items.slice(offset, end)
  return Effect.succeed(end < items.length ? { items: page, nextToken: encodeToken(options.scope, end) } : { items: page })
}
