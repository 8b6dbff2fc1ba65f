import {
  GetFunctionConfigurationCommand,
  InvalidParameterValueException,
  LambdaClient,
  ListTagsCommand,
  paginateListFunctions,
  PreconditionFailedException,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateFunctionConfigurationCommand
} from "@aws-sdk/client-lambda"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { sandboxEstate, type SandboxEstate } from "../../estate/SandboxEstate.js"
import { start, type SandboxHandle } from "../../Sandbox.js"
import { makeLambdaService } from "./LambdaService.js"
import { call, callError, collect } from "../../testing/SdkCalls.js"

const setup = Effect.gen(function* () {
  const estate = sandboxEstate({ seed: 12, size: "small" })
  const counts = new Map<string, number>()
  for (const f of estate.data.functions) counts.set(`${f.accountId}/${f.region}`, (counts.get(`${f.accountId}/${f.region}`) ?? 0) + 1)
  const [key = ""] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? []
  const [accountId = "", region = ""] = key.split("/")
  const sandbox: SandboxHandle<SandboxEstate> = yield* start({ estate, services: [makeLambdaService], dynamodb: false })
  const client = new LambdaClient({ endpoint: sandbox.endpoint, region, credentials: sandbox.credentialsFor(accountId) })
  return { sandbox, client, mine: estate.data.functions.filter((f) => f.accountId === accountId && f.region === region), accountId, region }
})

describe("Lambda", () => {
  it.scoped("ListFunctions pages with Marker to the end and shapes functions as AWS does", () =>
    Effect.gen(function* () {
      const { client, mine, accountId, region } = yield* setup
      expect(mine.length).toBeGreaterThan(3)
      const pages = yield* collect(paginateListFunctions({ client, pageSize: 3 }, {}))
      expect(pages.length).toBe(Math.ceil(mine.length / 3))
      const all = pages.flatMap((p) => p.Functions ?? [])
      expect(all.map((f) => f.FunctionName)).toEqual(mine.map((f) => f.name))
      const [first] = all
      const source = mine[0]
      expect(first).toMatchObject({
        FunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${source?.name}`,
        MemorySize: source?.memorySize,
        Runtime: source?.runtime,
        Version: "$LATEST",
        PackageType: "Zip",
        EphemeralStorage: { Size: 512 }
      })
      expect(first?.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/)
      expect(first && "State" in first).toBe(false)
      const tagged = mine.find((f) => Object.keys(f.tags).length > 0)
      const tags = yield* call(() => client.send(new ListTagsCommand({ Resource: `arn:aws:lambda:${region}:${accountId}:function:${tagged?.name ?? ""}` })))
      expect(tags.Tags).toEqual(tagged?.tags)
    }))

  it.scoped("UpdateFunctionConfiguration changes memory, then reads Successful; errors map to SDK classes", () =>
    Effect.gen(function* () {
      const { client, mine, sandbox } = yield* setup
      const f = mine[0]
      if (f === undefined) throw new Error("no function")
      const target = f.memorySize === 128 ? 256 : 128
      const stale = yield* callError(() => client.send(new UpdateFunctionConfigurationCommand({ FunctionName: f.name, MemorySize: target, RevisionId: "not-the-revision" })))
      expect(stale).toBeInstanceOf(PreconditionFailedException)
      const updated = yield* call(() => client.send(new UpdateFunctionConfigurationCommand({ FunctionName: f.name, MemorySize: target })))
      expect(updated).toMatchObject({ MemorySize: target, LastUpdateStatus: "InProgress", State: "Active" })
      const busy = yield* callError(() => client.send(new UpdateFunctionConfigurationCommand({ FunctionName: f.name, MemorySize: 512 })))
      expect(busy).toBeInstanceOf(ResourceConflictException)
      sandbox.clock.advance(5_000)
      const read = yield* call(() => client.send(new GetFunctionConfigurationCommand({ FunctionName: `arn:aws:lambda:${f.region}:${f.accountId}:function:${f.name}` })))
      expect(read).toMatchObject({ MemorySize: target, LastUpdateStatus: "Successful", RevisionId: updated.RevisionId })
      expect(f.memorySize).toBe(target)
      const missing = yield* callError(() => client.send(new GetFunctionConfigurationCommand({ FunctionName: "no-such-function" })))
      expect(missing).toBeInstanceOf(ResourceNotFoundException)
      expect((missing as ResourceNotFoundException).$metadata.httpStatusCode).toBe(404)
      const tooSmall = yield* callError(() => client.send(new UpdateFunctionConfigurationCommand({ FunctionName: f.name, MemorySize: 64 })))
      expect(tooSmall).toBeInstanceOf(InvalidParameterValueException)
      expect(sandbox.log.changes().map((c) => `${c.service}:${c.operation}`)).toEqual(["lambda:UpdateFunctionConfiguration"])
    }))
})
