/** CloudFront distributions, a global service recorded in us-east-1, with their tags (ListTagsForResource). */
import { CloudFrontClient, type DistributionSummary, ListDistributionsCommand, ListTagsForResourceCommand } from "@aws-sdk/client-cloudfront"
import { type AwsError, AwsClients, ServiceDescriptor } from "@miyabi/aws-runtime"
import { CloudFrontDistributionDetails, Region, type Resource } from "@miyabi/types"
import { Context, Effect, Layer, Option, Stream } from "effect"
import { collected, type InventoryTarget, makeResource, type ServiceInventory, tagsFromList } from "./Inventory.js"

export const CloudFront = ServiceDescriptor.make("cloudfront", (config) => new CloudFrontClient(config))

export interface CloudFrontInventoryShape {
  readonly distributions: (target: InventoryTarget) => Stream.Stream<Resource, AwsError>
  readonly inventory: ServiceInventory
}

export class CloudFrontInventory extends Context.Tag("@miyabi/aws-agent/CloudFrontInventory")<CloudFrontInventory, CloudFrontInventoryShape>() {}

const HOME = Region.make("us-east-1")

export const distributionResource = (target: InventoryTarget, d: DistributionSummary, tags: Readonly<Record<string, string>> = {}): Resource => {
  const id = d.Id ?? ""
  return makeResource({
    id,
    arn: d.ARN ?? `arn:aws:cloudfront::${target.account}:distribution/${id}`,
    kind: "cloudfront-distribution",
    name: d.DomainName,
    account: target.account,
    region: HOME,
    state: d.Enabled === false ? "stopped" : d.Status === "InProgress" ? "pending" : "running",
    tags,
    details: CloudFrontDistributionDetails.make({
      domainName: d.DomainName ?? "",
      enabled: d.Enabled !== false,
      priceClass: d.PriceClass ?? "PriceClass_All",
      origins: (d.Origins?.Items ?? []).flatMap((o) => (o.DomainName === undefined ? [] : [o.DomainName])),
      ...(d.WebACLId === undefined || d.WebACLId === "" ? {} : { webAclId: d.WebACLId }),
      ...(d.DefaultCacheBehavior?.ViewerProtocolPolicy === undefined ? {} : { viewerProtocolPolicy: d.DefaultCacheBehavior.ViewerProtocolPolicy })
    }, true)
  })
}

export const make: Effect.Effect<CloudFrontInventoryShape, never, AwsClients.AwsClients> = Effect.map(AwsClients.AwsClients, (aws) => {
  // The page token sits inside DistributionList, where the generic paginator does not look.
  const home = (target: InventoryTarget) => ({ account: target.account, region: HOME })
  const distributions = (target: InventoryTarget) =>
    Stream.paginateEffect(undefined as string | undefined, (marker) =>
      Effect.map(aws.call(CloudFront, home(target), new ListDistributionsCommand(marker === undefined ? { MaxItems: 100 } : { MaxItems: 100, Marker: marker })), (out) => [
        out.DistributionList?.Items ?? [],
        Option.fromNullable(out.DistributionList?.NextMarker).pipe(Option.filter((m) => m !== "" && m !== marker))
      ] as const)
    ).pipe(
      Stream.mapConcat((chunk) => chunk),
      Stream.mapEffect(
        (d) =>
          d.ARN === undefined
            ? Effect.succeed(distributionResource(target, d))
            : Effect.map(aws.call(CloudFront, home(target), new ListTagsForResourceCommand({ Resource: d.ARN })), (out) => distributionResource(target, d, tagsFromList(out.Tags?.Items))),
        { concurrency: 4 }
      )
    )
  return { distributions, inventory: { service: "cloudfront", scope: "global", discover: (target) => collected(distributions(target)) } }
})

export const layer: Layer.Layer<CloudFrontInventory, never, AwsClients.AwsClients> = Layer.effect(CloudFrontInventory, make)
