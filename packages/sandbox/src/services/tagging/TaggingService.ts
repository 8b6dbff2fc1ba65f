/**
 * The Resource Groups Tagging API over JSON 1.1
 * (`ResourceGroupsTaggingAPI_20170126.*`): GetResources over the estate's
 * tagged resources, as AWS answers it:
 *
 *   - regional: the caller's account and the request's region only (S3
 *     buckets in the region they live in; CloudFront in us-east-1);
 *   - only resources with at least one tag;
 *   - TagFilters AND across keys, OR across one key's Values, a key with no
 *     Values matches any value; ResourceTypeFilters "service" or
 *     "service:type" (e.g. "ec2", "ec2:instance", "s3", "dynamodb:table");
 *     ResourceARNList instead of filters (not with them);
 *   - ResourcesPerPage 1..100 (default 100) and TagsPerPage (100..500) are
 *     exclusive; PaginationToken is opaque and "" on the last page (AWS sends
 *     an empty string, not nothing); a token from another query is
 *     PaginationTokenExpiredException.
 *
 * Tables created at run time in the sandbox's DynamoDB (dynalite) are not in
 * the estate and so not listed.
 */
import { Effect } from "effect"
import type { EstateData } from "../../estate/EstateData.js"
import type { Tags } from "../../estate/Tags.js"
import type { Estate } from "../../EstateContract.js"
import { estateDataOf } from "../../estate/SandboxEstate.js"
import { type AwsError, awsError, type Operation, type ServiceFactory } from "../../ServiceHandler.js"
import { paginate } from "../Pagination.js"

interface TaggedResource {
  readonly arn: string
  /** "service:type", as ResourceTypeFilters name it. */
  readonly type: string
  readonly accountId: string
  readonly region: string
  readonly tags: Tags
}

const invalid = (message: string): AwsError => awsError("InvalidParameterException", message)

/** Every taggable resource of the estate with its ARN and filter type. */
const resourcesOf = (data: EstateData): ReadonlyArray<TaggedResource> => {
  const at = (service: string, r: { readonly region: string; readonly accountId: string }, rest: string) => `arn:aws:${service}:${r.region}:${r.accountId}:${rest}`
  return [
    ...data.instances.map((r) => ({ arn: at("ec2", r, `instance/${r.id}`), type: "ec2:instance", ...r })),
    ...data.volumes.map((r) => ({ arn: at("ec2", r, `volume/${r.id}`), type: "ec2:volume", ...r })),
    // Snapshot ARNs name no account.
    ...data.snapshots.map((r) => ({ arn: `arn:aws:ec2:${r.region}::snapshot/${r.id}`, type: "ec2:snapshot", ...r })),
    ...data.addresses.map((r) => ({ arn: at("ec2", r, `elastic-ip/${r.allocationId}`), type: "ec2:elastic-ip", ...r })),
    ...data.securityGroups.map((r) => ({ arn: at("ec2", r, `security-group/${r.id}`), type: "ec2:security-group", ...r })),
    ...data.buckets.map((r) => ({ arn: `arn:aws:s3:::${r.name}`, type: "s3:bucket", ...r })),
    ...data.dbInstances.map((r) => ({ arn: at("rds", r, `db:${r.identifier}`), type: "rds:db", ...r })),
    ...data.functions.map((r) => ({ arn: at("lambda", r, `function:${r.name}`), type: "lambda:function", ...r })),
    ...data.clusters.map((r) => ({ arn: at("ecs", r, `cluster/${r.name}`), type: "ecs:cluster", ...r })),
    ...data.services.map((r) => ({ arn: at("ecs", r, `service/${r.clusterName}/${r.name}`), type: "ecs:service", ...r })),
    ...data.loadBalancers.map((r) => ({ ...r, type: "elasticloadbalancing:loadbalancer" })),
    ...data.targetGroups.map((r) => ({ ...r, type: "elasticloadbalancing:targetgroup" })),
    ...data.autoScalingGroups.map((r) => ({ ...r, type: "autoscaling:autoScalingGroup" })),
    ...data.distributions.map((r) => ({ ...r, region: "us-east-1", type: "cloudfront:distribution" })),
    ...data.tables.map((r) => ({ arn: at("dynamodb", r, `table/${r.name}`), type: "dynamodb:table", ...r }))
  ].map(({ arn, type, accountId, region, tags }) => ({ arn, type, accountId, region, tags }))
}

interface TagFilter {
  readonly key: string
  readonly values: ReadonlyArray<string>
}

const parseTagFilters = (raw: unknown): Effect.Effect<ReadonlyArray<TagFilter>, AwsError> => {
  if (raw === undefined) return Effect.succeed([])
  if (!Array.isArray(raw) || raw.length > 50) return Effect.fail(invalid("TagFilters must be a list of at most 50 filters."))
  return Effect.forEach(raw, (filter: unknown) => {
    const f = (typeof filter === "object" && filter !== null ? filter : {}) as { Key?: unknown; Values?: unknown }
    if (typeof f.Key !== "string" || f.Key.length < 1 || f.Key.length > 128) return Effect.fail(invalid("A tag filter's Key must be 1-128 characters."))
    const values = f.Values === undefined ? [] : Array.isArray(f.Values) ? f.Values.filter((v): v is string => typeof v === "string") : undefined
    if (values === undefined || values.length > 20) return Effect.fail(invalid("A tag filter has at most 20 Values."))
    return Effect.succeed({ key: f.Key, values })
  })
}

const strings = (raw: unknown): ReadonlyArray<string> | undefined =>
  raw === undefined ? undefined : Array.isArray(raw) ? raw.filter((v): v is string => typeof v === "string") : []

export const makeTaggingService: ServiceFactory<Estate> = (env) => {
  const data = estateDataOf(env.estate)

  const GetResources: Operation = (input, ctx) =>
    Effect.gen(function* () {
      const tagFilters = yield* parseTagFilters(input["TagFilters"])
      const typeFilters = strings(input["ResourceTypeFilters"])
      const arnList = strings(input["ResourceARNList"])
      if (arnList !== undefined && (tagFilters.length > 0 || (typeFilters ?? []).length > 0)) {
        return yield* Effect.fail(invalid("ResourceARNList cannot be used with TagFilters or ResourceTypeFilters."))
      }
      if (input["ResourcesPerPage"] !== undefined && input["TagsPerPage"] !== undefined) {
        return yield* Effect.fail(invalid("ResourcesPerPage and TagsPerPage cannot be used together."))
      }
      const perPage = input["ResourcesPerPage"] ?? 100
      if (typeof perPage !== "number" || !Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
        return yield* Effect.fail(invalid("ResourcesPerPage must be between 1 and 100."))
      }
      const matchesType = (type: string) =>
        typeFilters === undefined || typeFilters.length === 0 || typeFilters.some((f) => type === f || type.startsWith(`${f}:`))
      const matchesTags = (tags: Tags) =>
        tagFilters.every((f) => f.key in tags && (f.values.length === 0 || f.values.includes(tags[f.key] ?? "")))
      const found = resourcesOf(data).filter(
        (r) =>
          r.accountId === ctx.accountId &&
          r.region === ctx.region &&
          Object.keys(r.tags).length > 0 &&
          (arnList === undefined ? matchesType(r.type) && matchesTags(r.tags) : arnList.includes(r.arn))
      )
      const scope = `tagging:${ctx.accountId}:${ctx.region}:${JSON.stringify([tagFilters, typeFilters, arnList, perPage])}`
      const token = typeof input["PaginationToken"] === "string" ? input["PaginationToken"] : undefined
      const page = yield* paginate(found, {
        scope,
        token,
        pageSize: perPage,
        invalidToken: () => awsError("PaginationTokenExpiredException", "The specified pagination token has expired or is invalid.")
      })
      return {
        PaginationToken: page.nextToken ?? "",
        ResourceTagMappingList: page.items.map((r) => ({ ResourceARN: r.arn, Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })) }))
      }
    })

  return {
    signingName: "tagging",
    protocol: "json1.1",
    targetPrefix: "ResourceGroupsTaggingAPI_20170126",
    operations: { GetResources },
    errors: {
      throttling: { code: "ThrottledException", status: 400, message: "Rate exceeded" },
      internal: { code: "InternalServiceException", status: 500, message: "The request processing failed because of an unknown error, exception, or failure." }
    }
  }
}
