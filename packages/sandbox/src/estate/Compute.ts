/**
 * The EC2 family of a workload: a security group (some open to the world on
 * an administrative or database port), instances with root and data volumes,
 * stray unattached volumes and Elastic IPs.
 */
import type { Instance } from "./Instance.js"
import { instanceTypes, type InstanceTypeSpec } from "./InstanceCatalog.js"
import type { IpPermission } from "./SecurityGroup.js"
import type { UtilizationProfile } from "./Utilization.js"
import type { Volume, VolumeType } from "./Volume.js"
import type { GenerationContext, Workload } from "./Workload.js"

const DAY = 86_400_000

const FAMILY_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ["t3", 8],
  ["t3a", 3],
  ["t4g", 3],
  ["m5", 8],
  ["m6i", 6],
  ["m6g", 3],
  ["m7i", 2],
  ["c5", 4],
  ["c6i", 3],
  ["c6g", 2],
  ["r5", 3],
  ["r6i", 2],
  ["r6g", 2],
  ["i3", 1],
  // previous generation, about one instance in eight
  ["t2", 3],
  ["m4", 3],
  ["c4", 2],
  ["r4", 1]
]

const SIZE_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ["nano", 1],
  ["micro", 3],
  ["small", 3],
  ["medium", 4],
  ["large", 8],
  ["xlarge", 6],
  ["2xlarge", 3],
  ["4xlarge", 1],
  ["8xlarge", 0.3]
]

export const PROFILE_WEIGHTS: ReadonlyArray<readonly [UtilizationProfile, number]> = [
  ["idle", 15],
  ["steady", 40],
  ["spiky", 20],
  ["overProvisioned", 25]
]

const RISKY_PORTS: ReadonlyArray<readonly [number, string]> = [
  [22, "ssh"],
  [3389, "rdp"],
  [3306, "mysql"],
  [5432, "postgres"]
]

const drawInstanceType = (ctx: GenerationContext): InstanceTypeSpec => {
  const family = ctx.rng.weighted(FAMILY_WEIGHTS)
  const sizes = SIZE_WEIGHTS.filter(([size]) => instanceTypes.some((t) => t.family === family && t.size === size))
  const size = ctx.rng.weighted(sizes)
  const spec = instanceTypes.find((t) => t.family === family && t.size === size)
  if (spec === undefined) throw new Error(`no instance type ${family}.${size}`)
  return spec
}

const newVolume = (ctx: GenerationContext, w: Workload, az: string, sizeGiB: number, volumeType: VolumeType, createTime: number): Volume => {
  const { rng } = ctx
  const volume: Volume = {
    id: `vol-${rng.hex(17)}`,
    accountId: w.account.id,
    region: w.region,
    availabilityZone: az,
    sizeGiB,
    volumeType,
    encrypted: rng.chance(0.75),
    createTime,
    snapshotId: rng.chance(0.5) ? `snap-${rng.hex(17)}` : "",
    tags: w.tags()
  }
  if (volumeType === "gp3") {
    volume.iops = 3000
    volume.throughput = 125
  } else if (volumeType === "io1") volume.iops = rng.pick([1000, 2000, 3200, 5000])
  else if (volumeType === "gp2") volume.iops = Math.min(16_000, Math.max(100, sizeGiB * 3))
  ctx.estate.volumes.push(volume)
  return volume
}

const drawVolumeType = (ctx: GenerationContext): VolumeType => ctx.rng.weighted([["gp2", 35], ["gp3", 55], ["io1", 7], ["standard", 3]])

export const generateSecurityGroup = (ctx: GenerationContext, w: Workload): string => {
  const { rng } = ctx
  const ingress: Array<IpPermission> = [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrs: ["0.0.0.0/0"] }]
  if (rng.chance(0.18)) {
    const [port] = rng.pick(RISKY_PORTS)
    ingress.push({ protocol: "tcp", fromPort: port, toPort: port, cidrs: ["0.0.0.0/0"] })
  } else {
    ingress.push({ protocol: "tcp", fromPort: 22, toPort: 22, cidrs: [`${w.network.cidrPrefix}.0.0/16`] })
  }
  const id = `sg-${rng.hex(17)}`
  ctx.estate.securityGroups.push({
    id,
    accountId: w.account.id,
    region: w.region,
    name: `${w.application}-${w.environment}-${rng.alnum(5)}`,
    description: `${w.application} ${w.environment} access`,
    vpcId: w.network.vpcId,
    ingress,
    egress: [{ protocol: "-1", cidrs: ["0.0.0.0/0"] }],
    tags: w.tags()
  })
  return id
}

export const generateInstance = (ctx: GenerationContext, w: Workload, securityGroupId: string): Instance => {
  const { rng, estate } = ctx
  const spec = drawInstanceType(ctx)
  const zone = rng.int(0, w.network.availabilityZones.length - 1)
  const az = w.network.availabilityZones[zone] ?? `${w.region}a`
  const subnetId = w.network.subnetIds[zone] ?? ""
  const launchTime = estate.asOf - rng.int(2, 900) * DAY - rng.int(0, 86_399) * 1000
  const stopped = rng.chance(0.1)
  const stoppedAt = estate.asOf - rng.int(1, 60) * DAY
  const instance: Instance = {
    id: `i-${rng.hex(17)}`,
    accountId: w.account.id,
    region: w.region,
    availabilityZone: az,
    instanceType: spec.name,
    baselineInstanceType: spec.name,
    state: stopped ? "stopped" : "running",
    stateTransitionReason: stopped ? `User initiated (${new Date(stoppedAt).toISOString().slice(0, 19).replace("T", " ")} GMT)` : "",
    launchTime,
    imageId: `ami-${rng.hex(17)}`,
    vpcId: w.network.vpcId,
    subnetId,
    privateIpAddress: `${w.network.cidrPrefix}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
    securityGroupIds: [securityGroupId],
    architecture: spec.family.endsWith("g") ? "arm64" : "x86_64",
    profile: rng.weighted(PROFILE_WEIGHTS),
    tags: w.tags(),
    history: [{ at: launchTime, instanceType: spec.name, running: true }]
  }
  if (rng.chance(0.6)) Object.assign(instance, { keyName: `${w.application}-key` })
  if (stopped) instance.history.push({ at: Math.max(stoppedAt, launchTime + DAY), instanceType: spec.name, running: false })
  estate.instances.push(instance)

  const root = newVolume(ctx, w, az, rng.pick([8, 20, 30, 50, 100]), rng.weighted([["gp2", 40], ["gp3", 60]]), launchTime)
  root.attachment = { instanceId: instance.id, device: "/dev/xvda", attachTime: launchTime, deleteOnTermination: true }
  if (rng.chance(0.3)) {
    const data = newVolume(ctx, w, az, rng.pick([50, 100, 200, 500, 1000]), drawVolumeType(ctx), launchTime + rng.int(0, 30) * DAY)
    data.attachment = { instanceId: instance.id, device: "/dev/sdf", attachTime: data.createTime, deleteOnTermination: false }
  }
  return instance
}

/** Volumes nobody attached, or left behind by a terminated instance. */
export const generateStrayVolume = (ctx: GenerationContext, w: Workload): void => {
  const az = ctx.rng.pick(w.network.availabilityZones)
  newVolume(ctx, w, az, ctx.rng.pick([8, 16, 64, 100, 500]), drawVolumeType(ctx), ctx.estate.asOf - ctx.rng.int(5, 700) * DAY)
}

export const generateAddress = (ctx: GenerationContext, w: Workload, instance: Instance | undefined): void => {
  const { rng } = ctx
  const associated = instance !== undefined && instance.state === "running"
  ctx.estate.addresses.push({
    allocationId: `eipalloc-${rng.hex(17)}`,
    accountId: w.account.id,
    region: w.region,
    publicIp: `${rng.pick([3, 18, 34, 44, 52, 54])}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
    tags: rng.chance(0.5) ? w.tags() : {},
    ...(associated
      ? { associationId: `eipassoc-${rng.hex(17)}`, instanceId: instance.id, privateIpAddress: instance.privateIpAddress }
      : {})
  })
}
