/**
 * Resource Groups Tagging API conformance through the real SDK client:
 * GetResources scoped to the caller's account and region, TagFilters and
 * ResourceTypeFilters semantics, paging with the SDK's paginator to the
 * last page (AWS's empty-string token), and AWS's exceptions.
 */
import {
  GetResourcesCommand,
  InvalidParameterException,
  PaginationTokenExpiredException,
  paginateGetResources,
  ResourceGroupsTaggingAPIClient
} from "@aws-sdk/client-resource-groups-tagging-api"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { sandboxEstate, type SandboxEstate } from "../../estate/SandboxEstate.js"
import { start, type SandboxHandle } from "../../Sandbox.js"
import { call, callError, collect } from "../../testing/SdkCalls.js"
import { makeTaggingService } from "./TaggingService.js"

const setup = Effect.gen(function* () {
  const estate = sandboxEstate({ seed: 23, size: "small" })
  const data = estate.data
  // The account and region with the most tagged customer resources.
  const counts = new Map<string, number>()
  for (const i of data.instances) if (i.tags["CostCenter"] !== undefined) counts.set(`${i.accountId}|${i.region}`, (counts.get(`${i.accountId}|${i.region}`) ?? 0) + 1)
  const [where = "|"] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? []
  const [accountId = "", region = ""] = where.split("|")
  const sandbox: SandboxHandle<SandboxEstate> = yield* start({ estate, services: [makeTaggingService], dynamodb: false })
  const client = new ResourceGroupsTaggingAPIClient({ endpoint: sandbox.endpoint, region, credentials: sandbox.credentialsFor(accountId) })
  return { client, data, accountId, region }
})

describe("Resource Groups Tagging API", () => {
  it.scoped("GetResources pages through the account's tagged resources of the region, to the last page", () =>
    Effect.gen(function* () {
      const { client, data, accountId, region } = yield* setup
      const pages = yield* collect(paginateGetResources({ client, pageSize: 7 }, {}))
      expect(pages.length).toBeGreaterThan(1)
      expect(pages.at(-1)?.PaginationToken).toBe("")
      const arns = pages.flatMap((p) => p.ResourceTagMappingList ?? []).map((m) => m.ResourceARN ?? "")
      expect(new Set(arns).size).toBe(arns.length)
      const tagged = data.instances.filter((i) => i.accountId === accountId && i.region === region && Object.keys(i.tags).length > 0)
      expect(arns.filter((a) => a.startsWith(`arn:aws:ec2:${region}:${accountId}:instance/`)).sort()).toEqual(tagged.map((i) => `arn:aws:ec2:${region}:${accountId}:instance/${i.id}`).sort())
      // Another account's resources and other regions' never show up.
      expect(arns.every((a) => a.startsWith("arn:aws:s3:::") || a.includes(`:${region}:${accountId}:`) || a.includes(`:${region}::snapshot/`) || a.startsWith("arn:aws:cloudfront::"))).toBe(true)
    }))

  it.scoped("TagFilters: AND across keys, OR across values, key alone = any value; ResourceTypeFilters by service or service:type", () =>
    Effect.gen(function* () {
      const { client, data, accountId, region } = yield* setup
      const customer = data.instances.find((i) => i.accountId === accountId && i.region === region && i.tags["CostCenter"] !== undefined)!.tags["CostCenter"]!
      const byCustomer = yield* collect(paginateGetResources({ client }, { TagFilters: [{ Key: "CostCenter", Values: [customer] }] }))
      const mappings = byCustomer.flatMap((p) => p.ResourceTagMappingList ?? [])
      expect(mappings.length).toBeGreaterThan(0)
      expect(mappings.every((m) => m.Tags?.some((t) => t.Key === "CostCenter" && t.Value === customer))).toBe(true)
      const instancesOnly = yield* call(() => client.send(new GetResourcesCommand({ TagFilters: [{ Key: "CostCenter", Values: [customer] }], ResourceTypeFilters: ["ec2:instance"] })))
      expect(instancesOnly.ResourceTagMappingList?.length).toBeGreaterThan(0)
      expect(instancesOnly.ResourceTagMappingList?.every((m) => m.ResourceARN?.includes(":instance/"))).toBe(true)
      const ec2 = yield* call(() => client.send(new GetResourcesCommand({ TagFilters: [{ Key: "CostCenter", Values: [customer] }], ResourceTypeFilters: ["ec2"] })))
      expect(ec2.ResourceTagMappingList?.length).toBe(mappings.filter((m) => m.ResourceARN?.startsWith("arn:aws:ec2:")).length)
      const anyValue = yield* collect(paginateGetResources({ client }, { TagFilters: [{ Key: "CostCenter" }] }))
      expect(anyValue.flatMap((p) => p.ResourceTagMappingList ?? []).length).toBeGreaterThanOrEqual(mappings.length)
      const none = yield* call(() => client.send(new GetResourcesCommand({ TagFilters: [{ Key: "CostCenter", Values: [customer] }, { Key: "NoSuchKey" }] })))
      expect(none).toMatchObject({ ResourceTagMappingList: [], PaginationToken: "" })
    }))

  it.scoped("answers AWS's exceptions for a bad page size, exclusive parameters and a foreign token", () =>
    Effect.gen(function* () {
      const { client } = yield* setup
      expect(yield* callError(() => client.send(new GetResourcesCommand({ ResourcesPerPage: 101 })))).toBeInstanceOf(InvalidParameterException)
      expect(yield* callError(() => client.send(new GetResourcesCommand({ ResourcesPerPage: 5, TagsPerPage: 100 })))).toBeInstanceOf(InvalidParameterException)
      const first = yield* call(() => client.send(new GetResourcesCommand({ ResourcesPerPage: 1 })))
      expect(first.PaginationToken).not.toBe("")
      const foreign = yield* callError(() => client.send(new GetResourcesCommand({ ResourcesPerPage: 1, TagFilters: [{ Key: "CostCenter" }], PaginationToken: first.PaginationToken! })))
      expect(foreign).toBeInstanceOf(PaginationTokenExpiredException)
    }))
})
