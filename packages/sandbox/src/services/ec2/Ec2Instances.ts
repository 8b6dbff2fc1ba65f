/**
 * EC2 instance operations over the estate: DescribeInstances (one
 * reservation per instance), Stop/StartInstances through the transitional
 * `stopping` / `pending` states, and ModifyInstanceAttribute for the instance
 * type, which EC2 allows only on a stopped instance.
 */
import { Effect } from "effect"
import type { Address } from "../../estate/Address.js"
import { changeInstanceType, settleInstance, startInstance, stopInstance } from "../../estate/EstateChanges.js"
import type { EstateData } from "../../estate/EstateData.js"
import type { Instance, InstanceState } from "../../estate/Instance.js"
import { findInstanceType } from "../../estate/InstanceCatalog.js"
import type { Volume } from "../../estate/Volume.js"
import { type AwsError, awsError, type Operation, type RequestContext } from "../../ServiceHandler.js"
import { matcher, filtersOf, page, str, strings, tagAttributes, tagSet } from "./Ec2Filters.js"

const STATE_CODES: Record<InstanceState, number> = { pending: 0, running: 16, stopping: 64, stopped: 80 }

const FILTERS = new Set([
  "instance-id",
  "instance-state-name",
  "instance-state-code",
  "instance-type",
  "availability-zone",
  "vpc-id",
  "subnet-id",
  "image-id",
  "private-ip-address",
  "tag-key",
  "tag-value",
  "instance.group-id",
  "architecture"
])

const stateOf = (state: InstanceState) => ({ code: STATE_CODES[state], name: state })

const privateDns = (i: Instance): string => `ip-${i.privateIpAddress.replace(/\./g, "-")}.${i.region === "us-east-1" ? "ec2" : `${i.region}.compute`}.internal`

export const inScope = (r: { readonly accountId: string; readonly region: string }, ctx: RequestContext): boolean =>
  r.accountId === ctx.accountId && r.region === ctx.region

/** What instances show of their volumes, groups and addresses, indexed once per request for one account and region. */
interface Related {
  readonly volumes: ReadonlyMap<string, ReadonlyArray<Volume>>
  readonly groupNames: ReadonlyMap<string, string>
  readonly addresses: ReadonlyMap<string, Address>
}

const relatedIn = (data: EstateData, ctx: RequestContext): Related => {
  const volumes = new Map<string, Array<Volume>>()
  for (const v of data.volumes) {
    if (v.deletedAt !== undefined || v.attachment === undefined || !inScope(v, ctx)) continue
    const list = volumes.get(v.attachment.instanceId)
    if (list === undefined) volumes.set(v.attachment.instanceId, [v])
    else list.push(v)
  }
  const groupNames = new Map(data.securityGroups.filter((g) => inScope(g, ctx)).map((g) => [g.id, g.name]))
  const addresses = new Map<string, Address>()
  for (const a of data.addresses) if (a.instanceId !== undefined && a.releasedAt === undefined && inScope(a, ctx)) addresses.set(a.instanceId, a)
  return { volumes, groupNames, addresses }
}

const instanceXml = (related: Related, i: Instance) => {
  const volumes = related.volumes.get(i.id) ?? []
  const groups = i.securityGroupIds.map((id) => ({ groupId: id, groupName: related.groupNames.get(id) }))
  const address = related.addresses.get(i.id)
  const running = i.state === "running"
  return {
    instanceId: i.id,
    imageId: i.imageId,
    instanceState: stateOf(i.state),
    privateDnsName: privateDns(i),
    dnsName: running && address !== undefined ? `ec2-${address.publicIp.replace(/\./g, "-")}.compute-1.amazonaws.com` : "",
    reason: i.stateTransitionReason,
    keyName: i.keyName,
    amiLaunchIndex: 0,
    productCodes: [],
    instanceType: i.instanceType,
    launchTime: new Date(i.launchTime),
    placement: { availabilityZone: i.availabilityZone, groupName: "", tenancy: "default" },
    monitoring: { state: "disabled" },
    subnetId: i.subnetId,
    vpcId: i.vpcId,
    privateIpAddress: i.privateIpAddress,
    ipAddress: running ? address?.publicIp : undefined,
    stateReason: i.state === "stopped" ? { code: "Client.UserInitiatedShutdown", message: "Client.UserInitiatedShutdown: User initiated shutdown" } : undefined,
    architecture: i.architecture,
    rootDeviceType: "ebs",
    rootDeviceName: "/dev/xvda",
    blockDeviceMapping: volumes.map((v) => ({
      deviceName: v.attachment?.device,
      ebs: { volumeId: v.id, status: "attached", attachTime: new Date(v.attachment?.attachTime ?? v.createTime), deleteOnTermination: v.attachment?.deleteOnTermination }
    })),
    virtualizationType: "hvm",
    clientToken: "",
    tagSet: tagSet(i.tags),
    groupSet: groups,
    sourceDestCheck: true,
    hypervisor: "xen",
    ebsOptimized: false,
    enaSupport: true,
    cpuOptions: { coreCount: Math.max(1, Math.floor((findInstanceType(i.instanceType)?.vcpus ?? 2) / 2)), threadsPerCore: (findInstanceType(i.instanceType)?.vcpus ?? 2) > 1 ? 2 : 1 },
    metadataOptions: { state: "applied", httpTokens: "required", httpPutResponseHopLimit: 2, httpEndpoint: "enabled" },
    platformDetails: "Linux/UNIX",
    usageOperation: "RunInstances"
  }
}

const notFound = (ids: ReadonlyArray<string>): AwsError =>
  ids.length === 1
    ? awsError("InvalidInstanceID.NotFound", `The instance ID '${ids[0]}' does not exist`)
    : awsError("InvalidInstanceID.NotFound", `The instance IDs '${ids.join(", ")}' do not exist`)

/** The named instances of the caller's account and region, or InvalidInstanceID.Malformed / NotFound. */
const findInstances = (data: EstateData, ids: ReadonlyArray<string>, ctx: RequestContext): Effect.Effect<Array<Instance>, AwsError> => {
  const malformed = ids.find((id) => !/^i-[0-9a-f]{8,17}$/.test(id))
  if (malformed !== undefined) return Effect.fail(awsError("InvalidInstanceID.Malformed", `Invalid id: "${malformed}"`))
  const found = ids.map((id) => data.instances.find((i) => i.id === id && inScope(i, ctx)))
  const missing = ids.filter((_, n) => found[n] === undefined)
  if (missing.length > 0) return Effect.fail(notFound(missing))
  return Effect.succeed(found.filter((i): i is Instance => i !== undefined))
}

export const makeInstanceOperations = (data: EstateData): Record<string, Operation> => {
  const scoped = (ctx: RequestContext): Array<Instance> => {
    const mine = data.instances.filter((i) => inScope(i, ctx))
    for (const i of mine) settleInstance(i, ctx.now.getTime())
    return mine
  }

  const describeInstances: Operation = (input, ctx) =>
    Effect.gen(function* () {
      const mine = scoped(ctx)
      const ids = strings(input["InstanceId"])
      if (ids.length > 0 && str(input["MaxResults"]) !== undefined) {
        return yield* Effect.fail(awsError("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults"))
      }
      const match = yield* matcher(filtersOf(input), FILTERS)
      const candidates = ids.length > 0 ? yield* findInstances(data, ids, ctx) : mine
      const selected = candidates.filter((i) =>
        match({
          "instance-id": [i.id],
          "instance-state-name": [i.state],
          "instance-state-code": [String(STATE_CODES[i.state])],
          "instance-type": [i.instanceType],
          "availability-zone": [i.availabilityZone],
          "vpc-id": [i.vpcId],
          "subnet-id": [i.subnetId],
          "image-id": [i.imageId],
          "private-ip-address": [i.privateIpAddress],
          "instance.group-id": i.securityGroupIds,
          architecture: [i.architecture],
          ...tagAttributes(i.tags)
        })
      )
      const { items, nextToken } = yield* page(selected, input, { min: 5, max: 1000 })
      const related = relatedIn(data, ctx)
      return {
        reservationSet: items.map((i) => ({ reservationId: `r-${i.id.slice(2)}`, ownerId: i.accountId, groupSet: [], instancesSet: [instanceXml(related, i)] })),
        nextToken
      }
    })

  const transition = (change: (i: Instance, now: number) => void): Operation => (input, ctx) =>
    Effect.gen(function* () {
      const ids = strings(input["InstanceId"])
      if (ids.length === 0) return yield* Effect.fail(awsError("MissingParameter", "The request must contain the parameter InstanceId"))
      const instances = yield* findInstances(data, ids, ctx)
      const now = ctx.now.getTime()
      return {
        instancesSet: instances.map((i) => {
          settleInstance(i, now)
          const previous = stateOf(i.state)
          change(i, now)
          return { instanceId: i.id, currentState: stateOf(i.state), previousState: previous }
        })
      }
    })

  const modifyInstanceAttribute: Operation = (input, ctx) =>
    Effect.gen(function* () {
      const id = str(input["InstanceId"]) ?? ""
      const [instance] = yield* findInstances(data, [id], ctx)
      if (instance === undefined) return yield* Effect.fail(notFound([id]))
      const typed = input["InstanceType"]
      const attribute = str(input["Attribute"])
      const newType = typeof typed === "object" && typed !== null ? str((typed as Record<string, unknown>)["Value"]) : attribute === "instanceType" ? str(input["Value"]) : undefined
      if (newType === undefined) {
        return yield* Effect.fail(awsError("InvalidParameterCombination", "The sandbox modifies only the instanceType attribute"))
      }
      if (findInstanceType(newType) === undefined) {
        return yield* Effect.fail(awsError("InvalidInstanceAttributeValue", `Value (${newType}) for parameter instanceType is invalid. Invalid instance type.`))
      }
      settleInstance(instance, ctx.now.getTime())
      if (instance.state !== "stopped") {
        return yield* Effect.fail(awsError("IncorrectInstanceState", `The instance '${instance.id}' is not in the 'stopped' state.`))
      }
      if (newType !== instance.instanceType) changeInstanceType(instance, newType, ctx.now.getTime())
      return { return: true }
    })

  return {
    DescribeInstances: describeInstances,
    StopInstances: transition(stopInstance),
    StartInstances: transition(startInstance),
    ModifyInstanceAttribute: modifyInstanceAttribute
  }
}
