/**
 * AWS list operations as a `Stream` of items (`paginate`), or as one array
 * of every page's items (`collectPages`). Works for the three token styles
 * AWS uses (NextToken, Marker/NextMarker, PageToken/NextPageToken): name the
 * input key, the output key and the key of the items.
 */
import { Chunk, Effect, Option, Stream } from "effect"

/** The element type of an optional array property. */
export type ItemOf<T> = NonNullable<T> extends ReadonlyArray<infer Item> ? Item : never

/** Keys of `O` whose values are (optional) arrays. */
export type ArrayKeys<O> = { [K in keyof O]-?: NonNullable<O[K]> extends ReadonlyArray<unknown> ? K : never }[keyof O]

/** Keys of `O` whose values are (optional) strings. */
export type StringKeys<O> = { [K in keyof O]-?: NonNullable<O[K]> extends string ? K : never }[keyof O]

export interface PageKeys<I, O, K extends ArrayKeys<O>> {
  /** Where the token goes in the request: "NextToken", "Marker", "PageToken"... */
  readonly inputToken: StringKeys<I>
  /** Where it comes back: "NextToken", "NextMarker", "NextPageToken"... */
  readonly outputToken: StringKeys<O>
  readonly items: K
}

/** The request for the page after `token` (none: the first page). */
const requestFor = <I extends object>(input: I, inputToken: PropertyKey, token: string | undefined): I =>
  token === undefined ? input : { ...input, [inputToken]: token }

/** A page's items and the token of the next page, if there is one (AWS ends with no token, an empty one or the same one). */
const pageOf = <O extends object, K extends ArrayKeys<O>>(output: O, keys: { readonly outputToken: PropertyKey; readonly items: K }, token: string | undefined) => {
  const items = (output[keys.items] as ReadonlyArray<ItemOf<O[K]>> | undefined) ?? []
  const next = output[keys.outputToken as keyof O] as string | undefined
  return { items, next: next !== undefined && next !== "" && next !== token ? next : undefined }
}

/**
 * Pages through `fetch` from `input` until the response has no token (absent
 * or empty). A token equal to the one just sent also ends the walk: a few
 * APIs echo the last token instead of omitting it, and looping on it forever
 * is never right.
 */
export const paginate = <I extends object, O extends object, K extends ArrayKeys<O>, E, R>(
  fetch: (input: I) => Effect.Effect<O, E, R>,
  input: NoInfer<I>,
  keys: PageKeys<NoInfer<I>, NoInfer<O>, K>
): Stream.Stream<ItemOf<O[K]>, E, R> =>
  Stream.paginateChunkEffect({ token: undefined as string | undefined }, (state) =>
    Effect.map(fetch(requestFor(input, keys.inputToken, state.token)), (output) => {
      const page = pageOf(output, keys, state.token)
      return [Chunk.fromIterable(page.items), page.next === undefined ? Option.none() : Option.some({ token: page.next })] as const
    })
  )

/**
 * Every page's items as one array, pages read one after the other: the walk
 * of `paginate` for callers that want the whole list anyway. A Stream costs
 * about 480 Effect operations a page (its channel and pull machinery); this
 * loop costs a few.
 */
export const collectPages = <I extends object, O extends object, K extends ArrayKeys<O>, E, R>(
  fetch: (input: I) => Effect.Effect<O, E, R>,
  input: NoInfer<I>,
  keys: PageKeys<NoInfer<I>, NoInfer<O>, K>
): Effect.Effect<ReadonlyArray<ItemOf<O[K]>>, E, R> => {
  const from = (token: string | undefined, collected: Array<ItemOf<O[K]>>): Effect.Effect<ReadonlyArray<ItemOf<O[K]>>, E, R> =>
    Effect.flatMap(fetch(requestFor(input, keys.inputToken, token)), (output) => {
      const page = pageOf(output, keys, token)
      for (const item of page.items) collected.push(item)
      return page.next === undefined ? Effect.succeed(collected) : from(page.next, collected)
    })
  return Effect.suspend(() => from(undefined, []))
}
