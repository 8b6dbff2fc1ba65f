/**
 * Elastic IPs (DescribeAddresses, ReleaseAddress), DescribeRegions and
 * CreateTags on any EC2 resource of the estate (security groups are in
 * Ec2SecurityGroups.ts).
 */
import { Effect } from "effect"
import type { EstateData } from "../../estate/EstateData.js"
import type { Tags } from "../../estate/Tags.js"
import { awsError, type Operation, type RequestContext } from "../../ServiceHandler.js"
import { inScope } from "./Ec2Instances.js"
import { regionsOf } from "./AwsRegions.js"
import { filtersOf, matcher, records, str, strings, tagAttributes, tagSet } from "./Ec2Filters.js"

const ADDRESS_FILTERS = new Set(["allocation-id", "association-id", "instance-id", "public-ip", "private-ip-address", "domain", "tag-key", "tag-value"])

export const makeNetworkOperations = (data: EstateData): Record<string, Operation> => {
  const liveAddresses = (ctx: RequestContext) => data.addresses.filter((a) => a.releasedAt === undefined && inScope(a, ctx))

  /** Where CreateTags finds a resource's tags, by id prefix; AWS names the not-found error per type. */
  const taggable = (id: string, ctx: RequestContext): { tags: () => Tags; set: (tags: Tags) => void } | string => {
    const holder =
      id.startsWith("i-") ? data.instances.find((i) => i.id === id && inScope(i, ctx))
      : id.startsWith("vol-") ? data.volumes.find((v) => v.id === id && v.deletedAt === undefined && inScope(v, ctx))
      : id.startsWith("sg-") ? data.securityGroups.find((g) => g.id === id && inScope(g, ctx))
      : id.startsWith("eipalloc-") ? liveAddresses(ctx).find((a) => a.allocationId === id)
      : id.startsWith("snap-") ? data.snapshots.find((s) => s.id === id && inScope(s, ctx))
      : undefined
    if (holder !== undefined) return { tags: () => holder.tags, set: (tags) => (holder.tags = tags) }
    if (id.startsWith("i-")) return "InvalidInstanceID.NotFound"
    if (id.startsWith("vol-")) return "InvalidVolume.NotFound"
    if (id.startsWith("sg-")) return "InvalidGroup.NotFound"
    if (id.startsWith("eipalloc-")) return "InvalidAllocationID.NotFound"
    if (id.startsWith("snap-")) return "InvalidSnapshot.NotFound"
    return "InvalidID"
  }

  return {
    DescribeAddresses: (input, ctx) =>
      Effect.gen(function* () {
        const match = yield* matcher(filtersOf(input), ADDRESS_FILTERS)
        const ids = strings(input["AllocationId"])
        const ips = strings(input["PublicIp"])
        const scoped = liveAddresses(ctx)
        const missing = ids.find((id) => !scoped.some((a) => a.allocationId === id))
        if (missing !== undefined) return yield* Effect.fail(awsError("InvalidAllocationID.NotFound", `The allocation ID '${missing}' does not exist`))
        const missingIp = ips.find((ip) => !scoped.some((a) => a.publicIp === ip))
        if (missingIp !== undefined) return yield* Effect.fail(awsError("InvalidAddress.NotFound", `Address '${missingIp}' not found.`))
        const selected = scoped.filter(
          (a) =>
            (ids.length === 0 || ids.includes(a.allocationId)) &&
            (ips.length === 0 || ips.includes(a.publicIp)) &&
            match({
              "allocation-id": [a.allocationId],
              "association-id": [a.associationId],
              "instance-id": [a.instanceId],
              "public-ip": [a.publicIp],
              "private-ip-address": [a.privateIpAddress],
              domain: ["vpc"],
              ...tagAttributes(a.tags)
            })
        )
        return {
          addressesSet: selected.map((a) => ({
            publicIp: a.publicIp,
            allocationId: a.allocationId,
            domain: "vpc",
            instanceId: a.instanceId,
            associationId: a.associationId,
            networkInterfaceOwnerId: a.associationId === undefined ? undefined : a.accountId,
            privateIpAddress: a.privateIpAddress,
            tagSet: tagSet(a.tags),
            publicIpv4Pool: "amazon",
            networkBorderGroup: a.region
          }))
        }
      }),

    ReleaseAddress: (input, ctx) =>
      Effect.gen(function* () {
        const id = str(input["AllocationId"])
        const ip = str(input["PublicIp"])
        const address = liveAddresses(ctx).find((a) => (id !== undefined ? a.allocationId === id : a.publicIp === ip))
        if (address === undefined) {
          return yield* Effect.fail(
            id !== undefined
              ? awsError("InvalidAllocationID.NotFound", `The allocation ID '${id}' does not exist`)
              : awsError("AuthFailure", `You do not have permission to access the specified resource.`)
          )
        }
        if (address.associationId !== undefined) return yield* Effect.fail(awsError("InvalidIPAddress.InUse", `Address ${address.publicIp} is in use.`))
        address.releasedAt = ctx.now.getTime()
        return { return: true }
      }),

    // The estate's Regions are the accounts' enabled ones; with AllRegions, every Region AWS lists (AwsRegions.ts).
    // Simplification: the default Regions outside the estate are listed only with AllRegions (AWS lists them always).
    DescribeRegions: (input) =>
      Effect.gen(function* () {
        const known = regionsOf(data.regions)
        const names = strings(input["RegionName"])
        const unknown = names.find((n) => !known.has(n))
        if (unknown !== undefined) return yield* Effect.fail(awsError("InvalidParameterValue", `Invalid region: ${unknown}`))
        const all = str(input["AllRegions"]) === "true"
        const match = yield* matcher(filtersOf(input), new Set(["region-name", "endpoint", "opt-in-status"]))
        return {
          regionInfo: [...known]
            .filter(([r]) => (names.length > 0 ? names.includes(r) : all || data.regions.includes(r)))
            .filter(([r, status]) => match({ "region-name": [r], endpoint: [`ec2.${r}.amazonaws.com`], "opt-in-status": [status] }))
            .map(([r, status]) => ({ regionName: r, regionEndpoint: `ec2.${r}.amazonaws.com`, optInStatus: status }))
        }
      }),

    CreateTags: (input, ctx) =>
      Effect.gen(function* () {
        const ids = strings(input["ResourceId"])
        const tags = records(input["Tag"]).map((t) => [str(t["Key"]) ?? "", str(t["Value"]) ?? ""] as const)
        if (ids.length === 0) return yield* Effect.fail(awsError("MissingParameter", "The request must contain the parameter resourceIdSet"))
        if (tags.some(([key]) => key === "" || key.startsWith("aws:"))) {
          return yield* Effect.fail(awsError("InvalidParameterValue", "Tag keys must be non-empty and must not start with 'aws:'"))
        }
        const targets = ids.map((id) => [id, taggable(id, ctx)] as const)
        const missing = targets.find(([, t]) => typeof t === "string")
        if (missing !== undefined && typeof missing[1] === "string") {
          return yield* Effect.fail(awsError(missing[1], `The ID '${missing[0]}' does not exist`))
        }
        for (const [, target] of targets) {
          if (typeof target === "string") continue
          target.set({ ...target.tags(), ...Object.fromEntries(tags) })
        }
        return { return: true }
      })
  }
}
