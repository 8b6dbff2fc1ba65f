import { CloudFrontClient, ListDistributionsCommand, ListTagsForResourceCommand, NoSuchResource } from "@aws-sdk/client-cloudfront"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { at, busiestPlace } from "../../estate/Busiest.testkit.js"
import { sandboxEstate } from "../../estate/SandboxEstate.js"
import { start } from "../../Sandbox.js"
import { call, callError } from "../../testing/SdkCalls.js"
import { makeCloudFrontService } from "./CloudFrontService.js"

describe("CloudFront", () => {
  it.scoped("ListDistributions pages with Marker / MaxItems, whatever the signing region, and ListTagsForResource reads tags", () =>
    Effect.gen(function* () {
      const estate = sandboxEstate({ seed: 4, size: "small", resources: 3_000, accounts: 3 })
      const place = busiestPlace(estate.data.distributions)
      const { accountId } = place
      const mine = at(estate.data.distributions, place)
      expect(mine.length).toBeGreaterThan(3)
      const sandbox = yield* start({ estate, services: [makeCloudFrontService], dynamodb: false })
      const client = new CloudFrontClient({ endpoint: sandbox.endpoint, region: "us-east-1", credentials: sandbox.credentialsFor(accountId) })

      const seen: Array<string> = []
      let marker: string | undefined
      for (let page = 0; page < 100; page++) {
        const out = yield* call(() => client.send(new ListDistributionsCommand({ MaxItems: 2, ...(marker === undefined ? {} : { Marker: marker }) })))
        const list = out.DistributionList
        expect(list?.Quantity).toBe(list?.Items?.length ?? 0)
        seen.push(...(list?.Items ?? []).map((d) => d.Id ?? ""))
        if (list?.IsTruncated !== true) break
        expect(list.NextMarker).toBe(list.Items?.[list.Items.length - 1]?.Id)
        marker = list.NextMarker
      }
      expect(seen).toEqual(mine.map((d) => d.id))

      // Global: a client signing for another region sees the same account's distributions.
      const elsewhere = new CloudFrontClient({ endpoint: sandbox.endpoint, region: "eu-west-1", credentials: sandbox.credentialsFor(accountId) })
      const all = (yield* call(() => elsewhere.send(new ListDistributionsCommand({})))).DistributionList
      expect(all?.Items?.map((d) => d.Id)).toEqual(mine.map((d) => d.id))
      const first = mine[0]
      const summary = all?.Items?.[0]
      expect(summary).toMatchObject({ ARN: first?.arn, DomainName: first?.domainName, Enabled: first?.enabled, PriceClass: first?.priceClass, Status: "Deployed" })
      expect(summary?.Origins?.Items?.map((o) => o.DomainName)).toEqual(first?.origins)
      expect(summary?.DefaultCacheBehavior?.ViewerProtocolPolicy).toBe(first?.viewerProtocolPolicy)
      expect(summary?.WebACLId).toBe(first?.webAclId ?? "")

      const tags = yield* call(() => client.send(new ListTagsForResourceCommand({ Resource: first?.arn ?? "" })))
      expect(Object.fromEntries((tags.Tags?.Items ?? []).map((t) => [t.Key, t.Value]))).toEqual(first?.tags)
      expect(yield* callError(() => client.send(new ListTagsForResourceCommand({ Resource: `arn:aws:cloudfront::${accountId}:distribution/ENOSUCH` })))).toBeInstanceOf(NoSuchResource)
      const other = new CloudFrontClient({ endpoint: sandbox.endpoint, region: "us-east-1", credentials: sandbox.credentialsFor(estate.data.organization.managementAccountId) })
      const others = (yield* call(() => other.send(new ListDistributionsCommand({})))).DistributionList?.Items ?? []
      expect(others.some((d) => d.Id === first?.id)).toBe(false)
    }))
})
