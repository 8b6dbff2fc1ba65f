/**
 * Terraform JSON, structurally (no provider schema package is published on
 * npm to check against): every import names a declared resource with the
 * discovered id, every `${var.x}` is declared, every `${aws_x.y.id}` exists,
 * resource types are the AWS provider's, and the recommended values are set.
 */
import { describe, expect, it } from "@effect/vitest"
import { IngressRule, PublicAccessBlock, type ChangeAction, type Resource } from "@miyabi/types"
import { lifecycleRules } from "../optimize/rules/S3Lifecycle.js"
import { bucket, database, ec2, fn, group, service, volume } from "../optimize/World.testkit.js"
import { applyAction } from "./ApplyAction.js"
import type { Touched } from "./Planner.js"
import { moduleFor, terraform } from "./Terraform.js"

const touch = (before: Resource, ...actions: ReadonlyArray<ChangeAction>): Touched => ({
  before,
  after: actions.reduce<Resource | undefined>((r, a) => (r === undefined ? undefined : applyAction(r, a)), before),
  actions
})

const touched = (): ReadonlyArray<Touched> => [
  touch(ec2("i-0abc", "m5.2xlarge"), { _tag: "ResizeInstance", fromType: "m5.2xlarge", toType: "m6i.xlarge" }),
  touch(ec2("i-0idle", "m5.large"), { _tag: "StopInstance" }),
  touch(volume("vol-0big", "gp2", 2000), { _tag: "ModifyVolume", fromType: "gp2", toType: "gp3", iops: 6000, throughputMiBps: 250 }),
  touch(volume("vol-0free", "gp2", 10, false), { _tag: "SnapshotAndDeleteVolume", snapshotDescription: "x" }),
  touch(group("sg-0open", [22]), { _tag: "RevokeIngress", rule: IngressRule.make({ protocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: ["0.0.0.0/0"], ipv6Ranges: [], sourceGroupIds: [] }) }),
  touch(
    bucket("logs-bucket", { blocked: false, encryption: "none" }),
    { _tag: "PutBucketLifecycle", rules: lifecycleRules(true) },
    { _tag: "PutPublicAccessBlock", configuration: PublicAccessBlock.make({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true }) },
    { _tag: "SetBucketEncryption", algorithm: "AES256" }
  ),
  touch(database("orders-db", "db.m5.2xlarge"), { _tag: "ResizeDbInstance", fromClass: "db.m5.2xlarge", toClass: "db.m5.xlarge" }),
  touch(fn("resize-images", 1024), { _tag: "SetLambdaMemory", fromMiB: 1024, toMiB: 512 }),
  touch(service("api", 4096, 8192), { _tag: "ResizeEcsTask", fromCpuUnits: 4096, toCpuUnits: 1024, fromMemoryMiB: 8192, toMemoryMiB: 2048 })
]

const AWS_TYPES = new Set([
  "aws_instance",
  "aws_ec2_instance_state",
  "aws_ebs_volume",
  "aws_eip",
  "aws_security_group",
  "aws_s3_bucket",
  "aws_s3_bucket_lifecycle_configuration",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_db_instance",
  "aws_lambda_function",
  "aws_ecs_task_definition"
])

describe("Terraform", () => {
  const m = moduleFor(touched(), "123456789012", "us-east-1")
  const text = JSON.stringify(m)

  it("declares what it references and imports what it declares", () => {
    for (const type of Object.keys(m.resource)) expect(AWS_TYPES.has(type)).toBe(true)
    for (const i of m.import) {
      const [type = "", name = ""] = i.to.split(".")
      expect(m.resource[type]?.[name]).toBeDefined()
    }
    for (const [, v] of text.matchAll(/\$\{var\.([a-z0-9_-]+)\}/g)) expect(m.variable?.[v ?? ""]).toBeDefined()
    for (const [, type, name] of text.matchAll(/\$\{(aws_[a-z0-9_]+)\.([a-z0-9_-]+)\.id\}/g)) expect(m.resource[type ?? ""]?.[name ?? ""]).toBeDefined()
    expect(m.provider.aws).toEqual({ region: "us-east-1", allowed_account_ids: ["123456789012"] })
  })

  it("imports the discovered ids and sets the recommended values", () => {
    expect(m.import).toContainEqual({ to: "aws_instance.i-0abc", id: "i-0abc" })
    expect(m.import).toContainEqual({ to: "aws_ec2_instance_state.i-0idle", id: "i-0idle" })
    expect(m.import).toContainEqual({ to: "aws_s3_bucket_lifecycle_configuration.logs-bucket", id: "logs-bucket" })
    expect(m.import).toContainEqual({ to: "aws_db_instance.orders-db", id: "orders-db" })
    expect(m.import.some((i) => i.id === "vol-0free")).toBe(false)
    expect(m.import.some((i) => i.to.startsWith("aws_ecs_task_definition"))).toBe(false)
    expect(m.resource["aws_instance"]?.["i-0abc"]?.["instance_type"]).toBe("m6i.xlarge")
    expect(m.resource["aws_ec2_instance_state"]?.["i-0idle"]?.["state"]).toBe("stopped")
    expect(m.resource["aws_ebs_volume"]?.["vol-0big"]).toMatchObject({ type: "gp3", iops: 6000, throughput: 250 })
    expect(m.resource["aws_db_instance"]?.["orders-db"]?.["instance_class"]).toBe("db.m5.xlarge")
    expect(m.resource["aws_lambda_function"]?.["resize-images"]?.["memory_size"]).toBe(512)
    expect(m.resource["aws_ecs_task_definition"]?.["api"]).toMatchObject({ cpu: "1024", memory: "2048" })
    expect(m.resource["aws_s3_bucket_lifecycle_configuration"]?.["logs-bucket"]?.["rule"]).toEqual([
      {
        id: "miyabi-intelligent-tiering",
        status: "Enabled",
        filter: { prefix: "" },
        transition: [{ days: 30, storage_class: "INTELLIGENT_TIERING" }],
        abort_incomplete_multipart_upload: { days_after_initiation: 7 },
        noncurrent_version_expiration: { noncurrent_days: 90 }
      }
    ])
    const ingress = m.resource["aws_security_group"]?.["sg-0open"]?.["ingress"] as ReadonlyArray<Record<string, unknown>>
    expect(ingress).toEqual([
      { protocol: "tcp", from_port: 22, to_port: 22, cidr_blocks: ["10.0.0.0/8"], ipv6_cidr_blocks: [], security_groups: [], prefix_list_ids: [], self: false, description: "" }
    ])
  })

  it("writes one module per account and region", () => {
    const artifacts = terraform(touched())
    expect(artifacts.map((a) => a.path)).toEqual(["terraform/123456789012-us-east-1/main.tf.json"])
    expect(JSON.parse(artifacts[0]!.content)).toEqual(JSON.parse(JSON.stringify(m)))
  })
})
