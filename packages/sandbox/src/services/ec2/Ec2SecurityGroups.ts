/**
 * Security groups: DescribeSecurityGroups, and AuthorizeSecurityGroupIngress /
 * RevokeSecurityGroupIngress, which change the estate's group at once (so a
 * rediscovery sees the rule gone or back, and the open-port finding with it).
 * The estate keeps CIDR sources only (IPv4 and IPv6 in one list); a rule
 * naming source groups or prefix lists is refused rather than half-applied.
 */
import { Effect } from "effect"
import type { EstateData } from "../../estate/EstateData.js"
import type { IpPermission, SecurityGroup } from "../../estate/SecurityGroup.js"
import { type AwsError, awsError, type Operation, type RequestContext } from "../../ServiceHandler.js"
import { inScope } from "./Ec2Instances.js"
import { filtersOf, matcher, page, records, str, strings, tagAttributes, tagSet } from "./Ec2Filters.js"

const GROUP_FILTERS = new Set(["group-id", "group-name", "vpc-id", "description", "ip-permission.cidr", "ip-permission.ipv6-cidr", "ip-permission.from-port", "ip-permission.to-port", "ip-permission.protocol", "owner-id", "tag-key", "tag-value"])

const isV6 = (cidr: string): boolean => cidr.includes(":")

const permissionXml = (p: IpPermission) => ({
  ipProtocol: p.protocol,
  fromPort: p.fromPort,
  toPort: p.toPort,
  groups: [],
  ipRanges: p.cidrs.filter((c) => !isV6(c)).map((cidrIp) => ({ cidrIp })),
  ipv6Ranges: p.cidrs.filter(isV6).map((cidrIpv6) => ({ cidrIpv6 })),
  prefixListIds: []
})

/** EC2 answers one IpPermission per protocol and port range, with every source of it: the estate may hold them apart. */
const merged = (ps: ReadonlyArray<IpPermission>): Array<IpPermission> => {
  const out: Array<IpPermission> = []
  for (const p of ps) {
    const same = out.find((o) => o.protocol === p.protocol && o.fromPort === p.fromPort && o.toPort === p.toPort)
    if (same === undefined) out.push({ ...p, cidrs: [...p.cidrs] })
    else same.cidrs.push(...p.cidrs.filter((c) => !same.cidrs.includes(c)))
  }
  return out
}

/** EC2 takes protocol names or numbers; it answers names for tcp, udp and icmp, and -1 for all. */
const PROTOCOL_NAMES: Readonly<Record<string, string>> = { "6": "tcp", "17": "udp", "1": "icmp", all: "-1" }

/** One requested permission: protocol, ports (absent for all traffic) and the CIDRs it names. */
interface Requested {
  readonly protocol: string
  readonly fromPort?: number
  readonly toPort?: number
  readonly cidrs: ReadonlyArray<string>
}

const describeRule = (p: Requested, cidr: string): string =>
  `peer: ${cidr}, ${p.protocol === "-1" ? "ALL" : p.protocol.toUpperCase()}${p.protocol === "-1" ? "" : `, from port: ${p.fromPort ?? -1}, to port: ${p.toPort ?? -1}`}, ALLOW`

const port = (value: unknown, name: string): Effect.Effect<number | undefined, AwsError> => {
  const raw = str(value)
  if (raw === undefined) return Effect.succeed(undefined)
  const n = Number(raw)
  return Number.isInteger(n) && n >= -1 && n <= 65535 ? Effect.succeed(n) : Effect.fail(awsError("InvalidParameterValue", `Invalid value '${raw}' for ${name}.`))
}

/** The IpPermissions of an Authorize/Revoke request, validated as EC2 does. */
const requestedPermissions = (input: Record<string, unknown>): Effect.Effect<ReadonlyArray<Requested>, AwsError> =>
  Effect.gen(function* () {
    const permissions = records(input["IpPermissions"])
    if (permissions.length === 0) {
      return yield* Effect.fail(awsError("MissingParameter", "The request must contain the parameter ipPermissions"))
    }
    return yield* Effect.forEach(permissions, (p) =>
      Effect.gen(function* () {
        const raw = (str(p["IpProtocol"]) ?? "").toLowerCase()
        const protocol = PROTOCOL_NAMES[raw] ?? raw
        if (!["tcp", "udp", "icmp", "-1"].includes(protocol)) return yield* Effect.fail(awsError("InvalidParameterValue", `Invalid value '${raw}' for IP protocol. Unknown protocol.`))
        if (records(p["Groups"]).length > 0 || records(p["PrefixListIds"]).length > 0) {
          return yield* Effect.fail(awsError("InvalidParameterValue", "The sandbox keeps CIDR sources only: source groups and prefix lists are not modelled"))
        }
        const cidrs = [
          ...records(p["IpRanges"]).flatMap((r) => strings(r["CidrIp"])),
          ...records(p["Ipv6Ranges"]).flatMap((r) => strings(r["CidrIpv6"]))
        ]
        if (cidrs.length === 0) return yield* Effect.fail(awsError("MissingParameter", "The request must contain the parameter ipRanges or ipv6Ranges"))
        const bad = cidrs.find((c) => !/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(c))
        if (bad !== undefined) return yield* Effect.fail(awsError("InvalidParameterValue", `CIDR block ${bad} is malformed`))
        if (protocol === "-1") return { protocol, cidrs }
        const fromPort = yield* port(p["FromPort"], "fromPort")
        const toPort = yield* port(p["ToPort"], "toPort")
        if (fromPort === undefined || toPort === undefined) return yield* Effect.fail(awsError("MissingParameter", "The request must contain the parameters fromPort and toPort for tcp, udp and icmp"))
        if (protocol !== "icmp" && fromPort > toPort) return yield* Effect.fail(awsError("InvalidParameterValue", `Invalid port range: from port ${fromPort} is above to port ${toPort}`))
        return { protocol, fromPort, toPort, cidrs }
      })
    )
  })

const samePorts = (p: IpPermission, r: Requested): boolean =>
  p.protocol === r.protocol && (r.protocol === "-1" || (p.fromPort === r.fromPort && p.toPort === r.toPort))

export const makeSecurityGroupOperations = (data: EstateData): Record<string, Operation> => {
  const group = (input: Record<string, unknown>, ctx: RequestContext): Effect.Effect<SecurityGroup, AwsError> => {
    const id = str(input["GroupId"])
    const name = str(input["GroupName"])
    if (id === undefined && name === undefined) return Effect.fail(awsError("MissingParameter", "The request must contain the parameter groupId or groupName"))
    const found = data.securityGroups.find((g) => inScope(g, ctx) && (id !== undefined ? g.id === id : g.name === name))
    return found === undefined
      ? Effect.fail(awsError("InvalidGroup.NotFound", `The security group '${id ?? name ?? ""}' does not exist`))
      : Effect.succeed(found)
  }

  return {
    DescribeSecurityGroups: (input, ctx) =>
      Effect.gen(function* () {
        const match = yield* matcher(filtersOf(input), GROUP_FILTERS)
        const ids = strings(input["GroupId"])
        const names = strings(input["GroupName"])
        const scoped = data.securityGroups.filter((g) => inScope(g, ctx))
        const missing = ids.find((id) => !scoped.some((g) => g.id === id))
        if (missing !== undefined) return yield* Effect.fail(awsError("InvalidGroup.NotFound", `The security group '${missing}' does not exist`))
        const selected = scoped.filter(
          (g) =>
            (ids.length === 0 || ids.includes(g.id)) &&
            (names.length === 0 || names.includes(g.name)) &&
            match({
              "group-id": [g.id],
              "group-name": [g.name],
              "vpc-id": [g.vpcId],
              description: [g.description],
              "owner-id": [g.accountId],
              "ip-permission.cidr": g.ingress.flatMap((p) => p.cidrs.filter((c) => !isV6(c))),
              "ip-permission.ipv6-cidr": g.ingress.flatMap((p) => p.cidrs.filter(isV6)),
              "ip-permission.from-port": g.ingress.map((p) => (p.fromPort === undefined ? undefined : String(p.fromPort))),
              "ip-permission.to-port": g.ingress.map((p) => (p.toPort === undefined ? undefined : String(p.toPort))),
              "ip-permission.protocol": g.ingress.map((p) => p.protocol),
              ...tagAttributes(g.tags)
            })
        )
        const { items, nextToken } = yield* page(selected, input, { min: 5, max: 1000 })
        return {
          securityGroupInfo: items.map((g) => ({
            groupId: g.id,
            groupName: g.name,
            groupDescription: g.description,
            ownerId: g.accountId,
            vpcId: g.vpcId,
            securityGroupArn: `arn:aws:ec2:${g.region}:${g.accountId}:security-group/${g.id}`,
            ipPermissions: merged(g.ingress).map(permissionXml),
            ipPermissionsEgress: merged(g.egress).map(permissionXml),
            tagSet: tagSet(g.tags)
          })),
          nextToken
        }
      }),

    // A rule already present fails the whole request (InvalidPermission.Duplicate), as on AWS.
    AuthorizeSecurityGroupIngress: (input, ctx) =>
      Effect.gen(function* () {
        const g = yield* group(input, ctx)
        const wanted = yield* requestedPermissions(input)
        for (const r of wanted) {
          const present = r.cidrs.find((c) => g.ingress.some((p) => samePorts(p, r) && p.cidrs.includes(c)))
          if (present !== undefined) {
            return yield* Effect.fail(awsError("InvalidPermission.Duplicate", `the specified rule "${describeRule(r, present)}" already exists`))
          }
        }
        for (const r of wanted) {
          const existing = g.ingress.find((p) => samePorts(p, r))
          if (existing !== undefined) existing.cidrs.push(...r.cidrs)
          else g.ingress.push({ protocol: r.protocol, ...(r.fromPort === undefined ? {} : { fromPort: r.fromPort }), ...(r.toPort === undefined ? {} : { toPort: r.toPort }), cidrs: [...r.cidrs] })
        }
        return { return: true }
      }),

    // Nothing of the request present: InvalidPermission.NotFound; some of it: the rest is removed and the unknown part answered.
    RevokeSecurityGroupIngress: (input, ctx) =>
      Effect.gen(function* () {
        const g = yield* group(input, ctx)
        const wanted = yield* requestedPermissions(input)
        const known = (r: Requested, c: string) => g.ingress.some((p) => samePorts(p, r) && p.cidrs.includes(c))
        const unknown = wanted.flatMap((r) => r.cidrs.filter((c) => !known(r, c)).map((c) => ({ r, c })))
        if (unknown.length === wanted.reduce((n, r) => n + r.cidrs.length, 0)) {
          return yield* Effect.fail(awsError("InvalidPermission.NotFound", "The specified rule does not exist in this security group."))
        }
        for (const r of wanted) {
          for (const p of g.ingress.filter((x) => samePorts(x, r))) {
            for (const c of r.cidrs) {
              const at = p.cidrs.indexOf(c)
              if (at !== -1) p.cidrs.splice(at, 1)
            }
          }
        }
        // A permission left without sources is gone.
        for (let i = g.ingress.length - 1; i >= 0; i--) if (g.ingress[i]?.cidrs.length === 0) g.ingress.splice(i, 1)
        return {
          return: true,
          unknownIpPermissionSet: unknown.length === 0 ? undefined : unknown.map(({ r, c }) => permissionXml({ protocol: r.protocol, ...(r.fromPort === undefined ? {} : { fromPort: r.fromPort }), ...(r.toPort === undefined ? {} : { toPort: r.toPort }), cidrs: [c] }))
        }
      })
  }
}
