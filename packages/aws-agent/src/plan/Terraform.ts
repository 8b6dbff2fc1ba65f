/**
 * Terraform JSON (`.tf.json`) for the resources a plan touches, one module
 * directory per account and region (`terraform/<account>-<region>/main.tf.json`),
 * with `import` blocks (Terraform >= 1.5) naming the discovered ids. Values
 * discovery does not read and the provider requires (an instance's AMI, a
 * volume's zone, a function's role, a task's container definitions) are
 * variables; drift-prone ones are in `lifecycle.ignore_changes`.
 */
import { IacArtifact, type Resource } from "@miyabi/types"
import { plannedRules, toTerraform } from "./LifecycleRules.js"
import type { Touched } from "./Planner.js"

export interface TfModule {
  readonly terraform: { readonly required_version: string; readonly required_providers: { readonly aws: { readonly source: string; readonly version: string } } }
  readonly provider: { readonly aws: { readonly region: string; readonly allowed_account_ids: ReadonlyArray<string> } }
  readonly variable?: Record<string, { readonly type: "string"; readonly description: string }>
  readonly resource: Record<string, Record<string, Record<string, unknown>>>
  readonly import: ReadonlyArray<{ readonly to: string; readonly id: string }>
}

export const tfName = (r: Resource): string => {
  const name = r.id.toLowerCase().replace(/[^a-z0-9_-]/g, "_")
  return /^[a-z_]/.test(name) ? name : `r_${name}`
}

const tags = (r: Resource) => {
  const entries = Object.entries(r.tags).filter(([k]) => !k.startsWith("aws:"))
  return entries.length === 0 ? {} : { tags: Object.fromEntries(entries) }
}

interface Emit {
  resource(type: string, name: string, body: Record<string, unknown>, importId?: string): void
  variable(name: string, description: string): string
}

const emit = (t: Touched, r: Resource, e: Emit): void => {
  const n = tfName(r)
  const d = r.details
  switch (d._tag) {
    case "ec2-instance":
      e.resource("aws_instance", n, { ami: e.variable(`${n}_ami`, `AMI of ${r.id}`), instance_type: d.instanceType, ...(d.securityGroupIds.length === 0 ? {} : { vpc_security_group_ids: [...d.securityGroupIds] }), ...tags(r), lifecycle: { ignore_changes: ["ami", "user_data"] } }, r.id)
      if (r.state === "stopped") e.resource("aws_ec2_instance_state", n, { instance_id: `\${aws_instance.${n}.id}`, state: "stopped" }, r.id)
      return
    case "ebs-volume":
      e.resource(
        "aws_ebs_volume",
        n,
        {
          availability_zone: e.variable(`${n}_availability_zone`, `Availability zone of ${r.id}`),
          size: d.sizeGiB,
          type: d.volumeType,
          encrypted: d.encrypted,
          ...(d.iops === undefined || !["gp3", "io1", "io2"].includes(d.volumeType) ? {} : { iops: d.iops }),
          ...(d.throughputMiBps === undefined || d.volumeType !== "gp3" ? {} : { throughput: d.throughputMiBps }),
          ...tags(r)
        },
        r.id
      )
      return
    case "elastic-ip":
      e.resource("aws_eip", n, { domain: "vpc", ...tags(r) }, d.allocationId)
      return
    case "security-group":
      e.resource(
        "aws_security_group",
        n,
        {
          name: d.groupName,
          description: d.groupName,
          ...(d.vpcId === undefined ? {} : { vpc_id: d.vpcId }),
          // Attributes-as-blocks in JSON: every attribute of an ingress object is given.
          ingress: d.ingress.map((p) => ({
            protocol: p.protocol,
            from_port: p.protocol === "-1" ? 0 : p.fromPort ?? 0,
            to_port: p.protocol === "-1" ? 0 : p.toPort ?? 65535,
            cidr_blocks: [...p.ipv4Ranges],
            ipv6_cidr_blocks: [...p.ipv6Ranges],
            security_groups: [...p.sourceGroupIds],
            prefix_list_ids: [],
            self: false,
            description: ""
          })),
          ...tags(r)
        },
        r.id
      )
      return
    case "s3-bucket": {
      e.resource("aws_s3_bucket", n, { bucket: r.id, ...tags(r) }, r.id)
      const ref = `\${aws_s3_bucket.${n}.id}`
      const rules = plannedRules(t.actions)
      if (rules !== undefined && rules.length > 0) e.resource("aws_s3_bucket_lifecycle_configuration", n, { bucket: ref, rule: rules.map(toTerraform) }, r.id)
      const b = d.publicAccessBlock
      if (b !== undefined) {
        e.resource("aws_s3_bucket_public_access_block", n, { bucket: ref, block_public_acls: b.blockPublicAcls, ignore_public_acls: b.ignorePublicAcls, block_public_policy: b.blockPublicPolicy, restrict_public_buckets: b.restrictPublicBuckets }, r.id)
      }
      if (d.encryption !== "none") {
        e.resource("aws_s3_bucket_server_side_encryption_configuration", n, { bucket: ref, rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: d.encryption } }] }, r.id)
      }
      return
    }
    case "rds-instance":
      e.resource(
        "aws_db_instance",
        n,
        {
          identifier: r.id,
          instance_class: d.instanceClass,
          engine: d.engine,
          ...(d.engineVersion === undefined ? {} : { engine_version: d.engineVersion }),
          allocated_storage: d.allocatedStorageGiB,
          storage_type: d.storageType,
          storage_encrypted: d.storageEncrypted,
          publicly_accessible: d.publiclyAccessible,
          multi_az: d.multiAz,
          apply_immediately: false,
          ...tags(r),
          lifecycle: { ignore_changes: ["password", "engine_version"] }
        },
        r.id
      )
      return
    case "lambda-function":
      e.resource(
        "aws_lambda_function",
        n,
        {
          function_name: r.id,
          role: e.variable(`${n}_role_arn`, `Execution role ARN of ${r.id}`),
          memory_size: d.memoryMiB,
          timeout: d.timeoutSeconds,
          architectures: [d.architecture],
          package_type: d.packageType,
          ...(d.runtime === undefined ? {} : { runtime: d.runtime }),
          ...tags(r),
          lifecycle: { ignore_changes: ["filename", "s3_bucket", "s3_key", "image_uri", "source_code_hash"] }
        },
        r.id
      )
      return
    case "ecs-service":
      // A resize is a new task definition revision: created, not imported.
      e.resource("aws_ecs_task_definition", n, {
        family: r.name ?? r.id.split("/").pop() ?? r.id,
        cpu: String(d.cpuUnits),
        memory: String(d.memoryMiB),
        requires_compatibilities: ["FARGATE"],
        network_mode: "awsvpc",
        container_definitions: e.variable(`${n}_container_definitions`, `Container definitions (JSON) of ${d.taskDefinitionArn}`)
      })
      return
    default:
      return
  }
}

export const moduleFor = (touched: ReadonlyArray<Touched>, account: string, region: string): TfModule => {
  const resource: Record<string, Record<string, Record<string, unknown>>> = {}
  const variable: Record<string, { type: "string"; description: string }> = {}
  const imports: Array<{ to: string; id: string }> = []
  const e: Emit = {
    resource: (type, name, body, importId) => {
      resource[type] = { ...resource[type], [name]: body }
      if (importId !== undefined) imports.push({ to: `${type}.${name}`, id: importId })
    },
    variable: (name, description) => {
      variable[name] = { type: "string", description }
      return `\${var.${name}}`
    }
  }
  for (const t of touched) if (t.after !== undefined) emit(t, t.after, e)
  return {
    terraform: { required_version: ">= 1.5.0", required_providers: { aws: { source: "hashicorp/aws", version: ">= 5.0.0" } } },
    provider: { aws: { region, allowed_account_ids: [account] } },
    ...(Object.keys(variable).length === 0 ? {} : { variable }),
    resource,
    import: imports
  }
}

/** `terraform/<account>-<region>/main.tf.json` for each account and region touched. */
export const terraform = (touched: ReadonlyArray<Touched>): ReadonlyArray<IacArtifact> => {
  const scopes = new Map<string, Array<Touched>>()
  for (const t of touched) scopes.set(`${t.before.account}|${t.before.region}`, [...(scopes.get(`${t.before.account}|${t.before.region}`) ?? []), t])
  return [...scopes].map(([key, ts]) => {
    const [account = "", region = ""] = key.split("|")
    return IacArtifact.make({ format: "terraform", path: `terraform/${account}-${region}/main.tf.json`, content: JSON.stringify(moduleFor(ts, account, region), null, 2) + "\n" })
  })
}
