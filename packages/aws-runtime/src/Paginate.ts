/**
 * AWS list operations as a `Stream` of items. Works for the three token
 * styles AWS uses (NextToken, Marker/NextMarker, PageToken/NextPageToken):
 * name the input key, the output key and the key of the items.
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
  Stream.paginateChunkEffect({ token: undefined as string | undefined }, (state) => {
    const request: I = state.token === undefined ? input : { ...input, [keys.inputToken]: state.token }
    return Effect.map(fetch(request), (output) => {
      const items = output[keys.items] as ReadonlyArray<ItemOf<O[K]>> | undefined
      const next = output[keys.outputToken] as string | undefined
      const more = next !== undefined && next !== "" && next !== state.token
      return [Chunk.fromIterable(items ?? []), more ? Option.some({ token: next }) : Option.none()] as const
    })
  })
