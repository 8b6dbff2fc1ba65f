/**
 * CloudFront over REST-XML (API 2020-05-31), a global service signed in
 * us-east-1: ListDistributions (`Marker` / `MaxItems`, the marker being the
 * id of the last distribution of the previous page, as on AWS) and
 * ListTagsForResource, from the estate's distributions of the caller's
 * account, whatever region the request was signed for.
 */
import { Effect } from "effect"
import type { Distribution } from "../../estate/Distribution.js"
import type { EstateData } from "../../estate/EstateData.js"
import type { Estate } from "../../EstateContract.js"
import { estateDataOf } from "../../estate/SandboxEstate.js"
import { XML_DECLARATION, xmlElement, XmlList } from "../../protocol/Xml.js"
import { type AwsError, awsError, type RawRequest, type RawResponse, type RequestContext, type ServiceFactory } from "../../ServiceHandler.js"

const NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"
const VERSION = "/2020-05-31"

type Route = "ListDistributions" | "ListTagsForResource" | "Unknown"

const route = (req: RawRequest): Route =>
  req.method !== "GET" ? "Unknown"
  : req.path.endsWith(`${VERSION}/distribution`) ? "ListDistributions"
  : req.path.endsWith(`${VERSION}/tagging`) ? "ListTagsForResource"
  : "Unknown"

/** CloudFront lists carry their `Quantity` beside `Items`, and leave `Items` out when empty. */
const list = (member: string, items: ReadonlyArray<unknown>) => ({ Quantity: items.length, Items: items.length === 0 ? undefined : new XmlList(member, items) })

const summaryXml = (d: Distribution) => {
  const originId = (domain: string, k: number) => `origin-${k + 1}-${domain.split(".")[0] ?? ""}`
  return {
    Id: d.id,
    ARN: d.arn,
    Status: "Deployed",
    LastModifiedTime: new Date(d.lastModified),
    DomainName: d.domainName,
    Aliases: list("CNAME", []),
    Origins: list(
      "Origin",
      d.origins.map((domain, k) => ({
        Id: originId(domain, k),
        DomainName: domain,
        OriginPath: "",
        CustomHeaders: list("OriginCustomHeader", []),
        ...(domain.includes(".s3.")
          ? { S3OriginConfig: { OriginAccessIdentity: "" } }
          : { CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only", OriginSslProtocols: list("SslProtocol", ["TLSv1.2"]), OriginReadTimeout: 30, OriginKeepaliveTimeout: 5 } }),
        ConnectionAttempts: 3,
        ConnectionTimeout: 10,
        OriginShield: { Enabled: false },
        OriginAccessControlId: ""
      }))
    ),
    OriginGroups: { Quantity: 0 },
    DefaultCacheBehavior: {
      TargetOriginId: originId(d.origins[0] ?? "", 0),
      TrustedSigners: { Enabled: false, Quantity: 0 },
      TrustedKeyGroups: { Enabled: false, Quantity: 0 },
      ViewerProtocolPolicy: d.viewerProtocolPolicy,
      AllowedMethods: { ...list("Method", ["HEAD", "GET"]), CachedMethods: list("Method", ["HEAD", "GET"]) },
      SmoothStreaming: false,
      Compress: true,
      LambdaFunctionAssociations: { Quantity: 0 },
      FunctionAssociations: { Quantity: 0 },
      FieldLevelEncryptionId: "",
      CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6"
    },
    CacheBehaviors: { Quantity: 0 },
    CustomErrorResponses: { Quantity: 0 },
    Comment: d.comment,
    PriceClass: d.priceClass,
    Enabled: d.enabled,
    ViewerCertificate: { CloudFrontDefaultCertificate: true, SSLSupportMethod: "vip", MinimumProtocolVersion: "TLSv1", CertificateSource: "cloudfront" },
    Restrictions: { GeoRestriction: { RestrictionType: "none", Quantity: 0 } },
    WebACLId: d.webAclId ?? "",
    HttpVersion: "http2",
    IsIPV6Enabled: true,
    Staging: false
  }
}

const xml = (ctx: RequestContext, root: string, body: Record<string, unknown>): RawResponse => ({
  status: 200,
  headers: { "content-type": "text/xml", "x-amzn-requestid": ctx.requestId },
  body: `${XML_DECLARATION}${xmlElement(root, body, "member").replace(`<${root}>`, `<${root} xmlns="${NS}">`)}`
})

const invalidArgument = (message: string): AwsError => awsError("InvalidArgument", message)

export const makeCloudFrontService: ServiceFactory<Estate> = (env) => {
  const data: EstateData = estateDataOf(env.estate)
  const mine = (ctx: RequestContext) => data.distributions.filter((d) => d.accountId === ctx.accountId)

  const listDistributions = (req: RawRequest, ctx: RequestContext): Effect.Effect<RawResponse, AwsError> =>
    Effect.gen(function* () {
      const rawMax = req.query.get("MaxItems")
      const max = rawMax === null ? 100 : Number(rawMax)
      if (!Number.isInteger(max) || max < 0) return yield* Effect.fail(invalidArgument(`MaxItems ${rawMax ?? ""} is not a valid integer`))
      const marker = req.query.get("Marker") ?? ""
      const all = mine(ctx)
      const start = marker === "" ? 0 : all.findIndex((d) => d.id === marker) + 1
      if (start === 0 && marker !== "") return yield* Effect.fail(invalidArgument(`The marker ${marker} is invalid.`))
      const page = all.slice(start, start + max)
      const truncated = start + max < all.length
      return xml(ctx, "DistributionList", {
        Marker: marker,
        NextMarker: truncated ? page[page.length - 1]?.id : undefined,
        MaxItems: max,
        IsTruncated: truncated,
        ...list("DistributionSummary", page.map(summaryXml))
      })
    })

  const listTagsForResource = (req: RawRequest, ctx: RequestContext): Effect.Effect<RawResponse, AwsError> =>
    Effect.gen(function* () {
      const arn = req.query.get("Resource") ?? ""
      if (!arn.startsWith("arn:aws:cloudfront::")) return yield* Effect.fail(invalidArgument(`The specified ARN ${arn} is not valid.`))
      const d = mine(ctx).find((x) => x.arn === arn)
      if (d === undefined) return yield* Effect.fail(awsError("NoSuchResource", "The specified resource does not exist.", { status: 404 }))
      return xml(ctx, "Tags", { Items: new XmlList("Tag", Object.entries(d.tags).map(([Key, Value]) => ({ Key, Value }))) })
    })

  return {
    signingName: "cloudfront",
    protocol: "rest-xml",
    rest: {
      resolve: (req) => ({ operation: route(req), readOnly: true }),
      handle: (req, ctx) => {
        switch (route(req)) {
          case "ListDistributions":
            return listDistributions(req, ctx)
          case "ListTagsForResource":
            return listTagsForResource(req, ctx)
          default:
            return Effect.fail(awsError("InvalidAction", `${req.method} ${req.path} is not served by the sandbox`, { status: 400 }))
        }
      }
    },
    errors: {
      throttling: { code: "Throttling", status: 400, message: "Rate exceeded" },
      internal: { code: "ServiceUnavailable", status: 503, message: "CloudFront is currently unavailable." }
    }
  }
}
