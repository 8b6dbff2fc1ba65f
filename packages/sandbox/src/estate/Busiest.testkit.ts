/**
 * For conformance tests: the account and region (or account alone, for a
 * global service) holding the most estate resources of a kind, so paging is
 * exercised where there is the most to page through.
 */
export interface Place {
  readonly accountId: string
  readonly region: string
}

export const busiestPlace = (items: ReadonlyArray<{ readonly accountId: string; readonly region?: string }>): Place => {
  const counts = new Map<string, number>()
  for (const item of items) {
    const key = `${item.accountId}/${item.region ?? ""}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  const [key = "/"] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? []
  const [accountId = "", region = ""] = key.split("/")
  return { accountId, region }
}

/** The items of one place, in estate order. */
export const at = <A extends { readonly accountId: string; readonly region?: string }>(items: ReadonlyArray<A>, place: Place): Array<A> =>
  items.filter((x) => x.accountId === place.accountId && (x.region ?? "") === place.region)
