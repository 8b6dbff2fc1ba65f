import { describe, expect, it } from "@effect/vitest"
import { AccountId, Arn, ElasticIpDetails, MicroUsd, owningAgent, Region, Resource, ResourceId } from "@miyabi/types"
import { Effect, Option } from "effect"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { CacheEntry, cacheKey, makeFile, makeMemory } from "./DiscoveryCache.js"

const eip = Resource.make({
  id: ResourceId.make("eipalloc-1"),
  arn: Arn.make("arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-1"),
  kind: "elastic-ip",
  account: AccountId.make("123456789012"),
  region: Region.make("us-east-1"),
  state: "detached",
  owner: owningAgent("elastic-ip"),
  tags: { Name: "spare" },
  dependencies: [],
  details: ElasticIpDetails.make({ publicIp: "1.2.3.4", allocationId: "eipalloc-1" }),
  monthlyCost: MicroUsd.make(3_650_000)
})
const key = cacheKey("123456789012", "us-east-1", "ec2")

describe("DiscoveryCache", () => {
  it.effect("memory: what is set is got", () =>
    Effect.gen(function* () {
      const cache = yield* makeMemory
      expect(Option.isNone(yield* cache.get(key))).toBe(true)
      yield* cache.set(key, CacheEntry.make({ storedAt: 1, resources: [eip] }))
      expect(Option.map(yield* cache.get(key), (e) => e.resources[0]?.id)).toEqual(Option.some("eipalloc-1"))
    }))

  it.effect("file: survives a new process, and a corrupt file is an empty cache", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(path.join(tmpdir(), "miyabi-cache-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
      const file = path.join(dir, "discovery-cache.json")
      const first = yield* makeFile(file)
      yield* first.set(key, CacheEntry.make({ storedAt: 42, resources: [eip] }))
      yield* first.flush
      expect(JSON.parse(readFileSync(file, "utf8")).version).toBe(1)
      const second = yield* makeFile(file)
      const entry = Option.getOrThrow(yield* second.get(key))
      expect(entry.storedAt).toBe(42)
      expect(entry.resources[0]).toEqual(eip)
      writeFileSync(file, "{not json")
      const third = yield* makeFile(file)
      expect(Option.isNone(yield* third.get(key))).toBe(true)
    }).pipe(Effect.scoped))
})
