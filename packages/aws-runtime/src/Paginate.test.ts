import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Ref, Stream } from "effect"
import { collectPages, paginate } from "./Paginate.js"

interface ListInput {
  readonly Prefix?: string
  readonly NextToken?: string
}
interface ListOutput {
  readonly Items?: ReadonlyArray<number>
  readonly NextToken?: string
}

/** Pages of a list API: token i+1 after page i; `last` says what the final page carries. */
const pagedApi = (pages: ReadonlyArray<ReadonlyArray<number>>, last: "absent" | "empty" | "repeat") =>
  Effect.map(Ref.make<Array<string | undefined>>([]), (seen) => ({
    seen,
    fetch: (input: ListInput) =>
      Effect.flatMap(Ref.update(seen, (s) => [...s, input.NextToken]), () => {
        const index = input.NextToken === undefined ? 0 : Number(input.NextToken)
        const isLast = index === pages.length - 1
        const token = !isLast ? String(index + 1) : last === "absent" ? undefined : last === "empty" ? "" : input.NextToken
        const output: ListOutput = { Items: pages[index] ?? [], ...(token === undefined ? {} : { NextToken: token }) }
        return Effect.succeed(output)
      })
  }))

const keys = { inputToken: "NextToken", outputToken: "NextToken", items: "Items" } as const

/** The two walks over one list API: the Stream, collected, and the array. */
const walks: Readonly<Record<"paginate" | "collectPages", typeof collectPages>> = {
  paginate: (fetch, input, pageKeys) => Effect.map(Stream.runCollect(paginate(fetch, input, pageKeys)), (items) => Chunk.toReadonlyArray(items)),
  collectPages
}

describe.each(Object.entries(walks))("%s", (_, walk) => {
  it.effect("pages to the end and stops when the token is missing", () =>
    Effect.gen(function* () {
      const api = yield* pagedApi([[1, 2], [3], [], [4, 5]], "absent")
      expect(yield* walk(api.fetch, { Prefix: "p" }, keys)).toEqual([1, 2, 3, 4, 5])
      expect(yield* Ref.get(api.seen)).toEqual([undefined, "1", "2", "3"])
    }))

  it.effect("stops on an empty token and on a token echoed back", () =>
    Effect.gen(function* () {
      const empty = yield* pagedApi([[1], [2]], "empty")
      expect(yield* walk(empty.fetch, {}, keys)).toEqual([1, 2])
      expect((yield* Ref.get(empty.seen)).length).toBe(2)
      const repeat = yield* pagedApi([[1], [2]], "repeat")
      expect(yield* walk(repeat.fetch, {}, keys)).toEqual([1, 2])
      expect((yield* Ref.get(repeat.seen)).length).toBe(2)
    }))

  it.effect("works with Marker / NextMarker and carries the rest of the input", () =>
    Effect.gen(function* () {
      const inputs: Array<{ Bucket: string; Marker?: string }> = []
      const fetch = (input: { Bucket: string; Marker?: string }) => {
        inputs.push(input)
        return Effect.succeed(
          input.Marker === undefined
            ? { Contents: ["a", "b"], NextMarker: "b" }
            : { Contents: ["c"] as ReadonlyArray<string>, NextMarker: undefined as string | undefined }
        )
      }
      const items = yield* walk(fetch, { Bucket: "logs" }, { inputToken: "Marker", outputToken: "NextMarker", items: "Contents" })
      expect(items).toEqual(["a", "b", "c"])
      expect(inputs).toEqual([{ Bucket: "logs" }, { Bucket: "logs", Marker: "b" }])
    }))

  it.effect("fails with the page's error", () =>
    Effect.gen(function* () {
      const fetch = (input: ListInput) =>
        input.NextToken === undefined ? Effect.succeed<ListOutput>({ Items: [1], NextToken: "1" }) : Effect.fail("boom" as const)
      const error = yield* Effect.flip(walk(fetch, {}, keys))
      expect(error).toBe("boom")
    }))
})

describe("paginate", () => {
  it.effect("fetches only the pages a consumer pulls", () =>
    Effect.gen(function* () {
      const api = yield* pagedApi([[1, 2], [3, 4], [5, 6]], "absent")
      const first = yield* Stream.runCollect(Stream.take(paginate(api.fetch, {}, keys), 3))
      expect(Chunk.toReadonlyArray(first)).toEqual([1, 2, 3])
      expect((yield* Ref.get(api.seen)).length).toBe(2)
    }))
})
