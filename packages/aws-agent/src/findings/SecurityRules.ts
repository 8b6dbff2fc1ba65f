/** Security rules: exposure to the internet and data at rest without encryption. */
import type { IngressRule, Resource } from "@miyabi/types"
import { type Rule, rule } from "./Rule.js"

const WORLD = new Set(["0.0.0.0/0", "::/0"])

/** Database and data-store ports that should never face the internet. */
export const DATABASE_PORTS: Readonly<Record<number, string>> = {
  1433: "SQL Server",
  1521: "Oracle",
  3306: "MySQL",
  5432: "PostgreSQL",
  6379: "Redis",
  9200: "Elasticsearch",
  27017: "MongoDB"
}

const openToWorld = (p: IngressRule): boolean => p.ipv4Ranges.some((c) => WORLD.has(c)) || p.ipv6Ranges.some((c) => WORLD.has(c))

/** Does the rule let `port` in? Protocol "-1" (all traffic) or absent ports open every port. */
export const admits = (p: IngressRule, port: number): boolean =>
  p.protocol === "-1" || ((p.protocol === "tcp" || p.protocol === "6") && (p.fromPort ?? 0) <= port && port <= (p.toPort ?? 65_535))

const worldOpenPorts = (r: Resource, ports: ReadonlyArray<number>): ReadonlyArray<number> =>
  r.details._tag !== "security-group" ? [] : ports.filter((port) => r.details._tag === "security-group" && r.details.ingress.some((p) => openToWorld(p) && admits(p, port)))

const openPortRule = (id: string, label: string, ports: ReadonlyArray<number>, severity: "critical" | "high"): Rule =>
  rule(id, `A security group open to 0.0.0.0/0 or ::/0 on ${label}`, (r) => {
    if (r.details._tag !== "security-group") return undefined
    // Wide-open groups get their own finding instead of one per port.
    if (r.details.ingress.some((p) => openToWorld(p) && p.protocol === "-1")) return undefined
    const open = worldOpenPorts(r, ports)
    if (open.length === 0) return undefined
    return {
      severity,
      summary: `${r.id} (${r.details.groupName}) lets the internet reach ${label} (port ${open.join(", ")})`,
      evidence: { ports: open.join(","), cidr: "0.0.0.0/0" },
      impact: 0
    }
  })

const openAll = rule("security.open-all-ports", "A security group allowing all traffic from the internet", (r) => {
  if (r.details._tag !== "security-group" || !r.details.ingress.some((p) => openToWorld(p) && p.protocol === "-1")) return undefined
  return { severity: "critical", summary: `${r.id} (${r.details.groupName}) allows all traffic from the internet`, evidence: { protocol: "-1", cidr: "0.0.0.0/0" }, impact: 0 }
})

const publicBucket = rule("security.public-bucket", "A bucket whose public access is not fully blocked, or public by policy", (r) => {
  if (r.details._tag !== "s3-bucket") return undefined
  const b = r.details.publicAccessBlock
  const blocked = b !== undefined && b.blockPublicAcls && b.ignorePublicAcls && b.blockPublicPolicy && b.restrictPublicBuckets
  if (blocked && !r.details.publicByPolicy) return undefined
  return {
    severity: r.details.publicByPolicy ? "critical" : "high",
    summary: r.details.publicByPolicy ? `${r.id} is public by its policy or ACL` : `${r.id} does not block public access ${b === undefined ? "(no public access block)" : "fully"}`,
    evidence: {
      publicAccessBlock: b === undefined ? "none" : "partial",
      blockPublicAcls: b?.blockPublicAcls ?? false,
      ignorePublicAcls: b?.ignorePublicAcls ?? false,
      blockPublicPolicy: b?.blockPublicPolicy ?? false,
      restrictPublicBuckets: b?.restrictPublicBuckets ?? false,
      publicByPolicy: r.details.publicByPolicy
    },
    impact: 0
  }
})

const unencryptedVolume = rule("security.unencrypted-volume", "An EBS volume without encryption at rest", (r) =>
  r.details._tag === "ebs-volume" && !r.details.encrypted
    ? { severity: "medium", summary: `${r.id} is not encrypted`, evidence: { encrypted: false }, impact: 0 }
    : undefined
)

const unencryptedBucket = rule("security.unencrypted-bucket", "A bucket without default encryption", (r) =>
  r.details._tag === "s3-bucket" && r.details.encryption === "none"
    ? { severity: "medium", summary: `${r.id} has no default encryption`, evidence: { encryption: "none" }, impact: 0 }
    : undefined
)

const unencryptedDatabase = rule("security.unencrypted-database", "A database whose storage is not encrypted", (r) =>
  r.details._tag === "rds-instance" && !r.details.storageEncrypted
    ? { severity: "high", summary: `${r.id} (${r.details.engine}) stores data unencrypted`, evidence: { storageEncrypted: false, engine: r.details.engine }, impact: 0 }
    : undefined
)

const publicDatabase = rule("security.public-database", "A database reachable from the internet", (r) =>
  r.details._tag === "rds-instance" && r.details.publiclyAccessible
    ? { severity: "critical", summary: `${r.id} (${r.details.engine}) is publicly accessible`, evidence: { publiclyAccessible: true }, impact: 0 }
    : undefined
)

export const securityRules: ReadonlyArray<Rule> = [
  openPortRule("security.open-ssh", "SSH", [22], "high"),
  openPortRule("security.open-rdp", "RDP", [3389], "high"),
  openPortRule("security.open-database-port", "a database port", Object.keys(DATABASE_PORTS).map(Number), "critical"),
  openAll,
  publicBucket,
  unencryptedVolume,
  unencryptedBucket,
  unencryptedDatabase,
  publicDatabase
]
