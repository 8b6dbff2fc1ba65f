import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  EC2ServiceException,
  RevokeSecurityGroupIngressCommand
} from "@aws-sdk/client-ec2"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { sandboxEstate, type SandboxEstate } from "../../estate/SandboxEstate.js"
import { start, type SandboxHandle } from "../../Sandbox.js"
import { call, callError } from "../../testing/SdkCalls.js"
import { makeEc2Service } from "./Ec2Service.js"

const setup = Effect.gen(function* () {
  const estate = sandboxEstate({ seed: 7, size: "tiny" })
  const group = estate.data.securityGroups.find((g) => g.ingress.some((p) => p.protocol === "tcp" && p.fromPort === 443 && p.cidrs.includes("0.0.0.0/0")))
  if (group === undefined) throw new Error("the tiny estate has no world-open group")
  const sandbox: SandboxHandle<SandboxEstate> = yield* start({ estate, services: [makeEc2Service], dynamodb: false })
  const client = new EC2Client({ endpoint: sandbox.endpoint, region: group.region, credentials: sandbox.credentialsFor(group.accountId) })
  const described = () => call(() => client.send(new DescribeSecurityGroupsCommand({ GroupIds: [group.id] }))).pipe(Effect.map((out) => out.SecurityGroups?.[0]?.IpPermissions ?? []))
  return { sandbox, client, group, described }
})

const code = (error: unknown): string => {
  expect(error).toBeInstanceOf(EC2ServiceException)
  return (error as EC2ServiceException).name
}

const https = { IpProtocol: "tcp", FromPort: 443, ToPort: 443 }

describe("EC2 security group ingress", () => {
  it.scoped("RevokeSecurityGroupIngress removes the world-open rule from the estate; AuthorizeSecurityGroupIngress puts it back", () =>
    Effect.gen(function* () {
      const { sandbox, client, group, described } = yield* setup
      const before = yield* described()
      yield* call(() => client.send(new RevokeSecurityGroupIngressCommand({ GroupId: group.id, IpPermissions: [{ ...https, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] })))
      expect(group.ingress.some((p) => p.fromPort === 443 && p.cidrs.includes("0.0.0.0/0"))).toBe(false)
      const open = yield* call(() => client.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "group-id", Values: [group.id] }, { Name: "ip-permission.cidr", Values: ["0.0.0.0/0"] }, { Name: "ip-permission.from-port", Values: ["443"] }] })))
      expect(open.SecurityGroups).toEqual([])
      yield* call(() => client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group.id, IpPermissions: [{ ...https, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] })))
      const after = yield* described()
      const sorted = (ps: typeof before) => [...ps].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
      expect(sorted(after)).toEqual(sorted(before))
      expect(sandbox.log.changes().map((c) => c.operation)).toEqual(["RevokeSecurityGroupIngress", "AuthorizeSecurityGroupIngress"])
    }))

  it.scoped("IPv6 sources are kept apart from IPv4 ones, and a partial revoke answers the unknown part", () =>
    Effect.gen(function* () {
      const { client, group, described } = yield* setup
      yield* call(() => client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group.id, IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: "::/0" }] }] })))
      const ssh = (yield* described()).find((p) => p.FromPort === 22 && (p.Ipv6Ranges ?? []).length > 0)
      expect(ssh?.Ipv6Ranges).toEqual([{ CidrIpv6: "::/0" }])
      expect(ssh?.IpRanges ?? []).not.toContainEqual({ CidrIp: "::/0" })
      const partial = yield* call(() =>
        client.send(new RevokeSecurityGroupIngressCommand({ GroupId: group.id, IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: "::/0" }], IpRanges: [{ CidrIp: "203.0.113.0/24" }] }] }))
      )
      expect(partial.Return).toBe(true)
      expect(partial.UnknownIpPermissions?.[0]?.IpRanges).toEqual([{ CidrIp: "203.0.113.0/24" }])
      expect((yield* described()).some((p) => (p.Ipv6Ranges ?? []).length > 0)).toBe(false)
    }))

  it.scoped("errors as EC2 answers them: duplicate, not found, unknown group, missing permissions", () =>
    Effect.gen(function* () {
      const { sandbox, client, group } = yield* setup
      const duplicate = yield* callError(() => client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group.id, IpPermissions: [{ ...https, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] })))
      expect(code(duplicate)).toBe("InvalidPermission.Duplicate")
      const absent = yield* callError(() => client.send(new RevokeSecurityGroupIngressCommand({ GroupId: group.id, IpPermissions: [{ IpProtocol: "udp", FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] })))
      expect(code(absent)).toBe("InvalidPermission.NotFound")
      const noGroup = yield* callError(() => client.send(new RevokeSecurityGroupIngressCommand({ GroupId: "sg-0000000000000dead", IpPermissions: [{ ...https, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] })))
      expect(code(noGroup)).toBe("InvalidGroup.NotFound")
      const empty = yield* callError(() => client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group.id, IpPermissions: [] })))
      expect(code(empty)).toBe("MissingParameter")
      expect(sandbox.log.changes()).toEqual([])
    }))
})
