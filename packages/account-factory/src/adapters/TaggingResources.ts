/**
 * `TenantResources` on the Resource Groups Tagging API: GetResources in the
 * customer's account (AwsClients assumes the platform's role there), one
 * region at a time (the API is regional; S3 buckets answer in their own
 * region, CloudFront in us-east-1), filtered by the tenant tag, paged to the
 * end (the last page's PaginationToken is ""). A resource's type is the
 * API's own "service:type" ("ec2:instance", "s3:bucket", "dynamodb:table").
 */
import { GetResourcesCommand, type GetResourcesCommandInput, ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api"
import { AwsClients, paginate, ServiceDescriptor } from "@miyabi/aws-runtime"
import { Chunk, Effect, Layer, Stream } from "effect"
import { CUSTOMER_TAG, type TenantResource } from "../tenancy/TenantResource.js"
import { TenantResources, TenantResourcesError, type TenantResourcesShape } from "../tenancy/TenantResources.js"

export const Tagging = ServiceDescriptor.make("tagging", (config) => new ResourceGroupsTaggingAPIClient(config))

/** "arn:aws:ec2:r:a:instance/i-1" -> "ec2:instance"; "arn:aws:s3:::bucket" -> "s3:bucket"; "arn:aws:rds:r:a:db:x" -> "rds:db". */
export const typeOfArn = (arn: string): string => {
  const [, , service = "", , , ...rest] = arn.split(":")
  const resource = rest.join(":")
  if (service === "s3" && !resource.includes("/")) return "s3:bucket"
  const type = resource.split(/[/:]/)[0] ?? ""
  return type === "" ? service : `${service}:${type}`
}

export const make: Effect.Effect<TenantResourcesShape, never, AwsClients.AwsClients> = Effect.gen(function* () {
  const aws = yield* AwsClients.AwsClients
  const find: TenantResourcesShape["find"] = ({ customerId, accountId, regions, tagKey }) =>
    Effect.forEach(
      regions,
      (region) =>
        paginate(
          (input: GetResourcesCommandInput) => aws.call(Tagging, { account: accountId, region }, new GetResourcesCommand(input)),
          { TagFilters: [{ Key: tagKey ?? CUSTOMER_TAG, Values: [customerId] }], ResourcesPerPage: 100 },
          { inputToken: "PaginationToken", outputToken: "PaginationToken", items: "ResourceTagMappingList" }
        ).pipe(
          Stream.runCollect,
          Effect.map((mappings) =>
            Chunk.toReadonlyArray(mappings).flatMap((m): Array<TenantResource> => (m.ResourceARN === undefined ? [] : [{ arn: m.ResourceARN, type: typeOfArn(m.ResourceARN), accountId, region }]))
          ),
          Effect.mapError((error) => new TenantResourcesError({ reason: error.reason === "AccessDenied" ? "AccessDenied" : "Unavailable", accountId, region, detail: error.message }))
        ),
      { concurrency: 4 }
    ).pipe(
      // Global resources (S3 buckets, CloudFront) can answer in more than one region: keep each ARN once.
      Effect.map((perRegion) => [...new Map(perRegion.flat().map((r) => [r.arn, r])).values()]),
      Effect.withSpan("TaggingResources.find", { attributes: { accountId, regions: regions.join(",") } })
    )
  return { find }
})

export const layer: Layer.Layer<TenantResources, never, AwsClients.AwsClients> = Layer.effect(TenantResources, make)
