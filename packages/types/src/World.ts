/**
 * The world state θ1 produces: every resource with its owner, cost and
 * utilization, the findings, and which parts of the estate could be read.
 * Serialized as versioned JSON (`WorldStateJson`).
 */
import { Schema } from "effect"
import { AccountId, CycleId, Region } from "./Ids.js"
import { MicroUsd } from "./Money.js"
import { Finding, FindingId } from "./Finding.js"
import { Percent, Resource, ResourceRef } from "./Resource.js"

/** Global services (S3 listing, CloudFront, Organizations) are covered once, as "global". */
export const CoverageRegion = Schema.Union(Region, Schema.Literal("global"))
export type CoverageRegion = typeof CoverageRegion.Type

/**
 * How reading one service in one account and region went. `denied` is an
 * AccessDenied (an SCP or a missing permission), `opt-in` a region the
 * account has not enabled, `error` anything else after retries.
 */
export const CoverageStatus = Schema.Literal("ok", "denied", "opt-in", "error")
export type CoverageStatus = typeof CoverageStatus.Type

export class CoverageEntry extends Schema.Class<CoverageEntry>("CoverageEntry")({
  account: AccountId,
  region: CoverageRegion,
  /** The service as the SDK names it: "ec2", "s3", "rds", "lambda"... */
  service: Schema.String,
  status: CoverageStatus,
  reason: Schema.optional(Schema.String),
  resources: Schema.Int.pipe(Schema.nonNegative()),
  /** Incremental discovery: the entry came from a cache instead of AWS. */
  reused: Schema.optionalWith(Schema.Boolean, { default: () => false })
}) {}

export const WORLD_STATE_SCHEMA_VERSION = 1 as const

export class WorldState extends Schema.Class<WorldState>("WorldState")({
  schemaVersion: Schema.Literal(WORLD_STATE_SCHEMA_VERSION),
  /** The cycle that produced it, and n in World_n. */
  cycleId: Schema.optional(CycleId),
  generation: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
  timestamp: Schema.Date,
  accounts: Schema.Array(AccountId),
  regions: Schema.Array(Region),
  resources: Schema.Array(Resource),
  monthlyCost: MicroUsd,
  /** 0 (everything exposed) .. 100 (no security findings). */
  securityScore: Schema.Number.pipe(Schema.between(0, 100)),
  averageUtilization: Percent,
  findings: Schema.Array(Finding),
  coverage: Schema.Array(CoverageEntry)
}) {}

/** The world as a JSON string, for files and phase outputs. */
export const WorldStateJson = Schema.parseJson(WorldState)

/** A resource present in both worlds whose fields differ. */
export class ResourceChange extends Schema.Class<ResourceChange>("ResourceChange")({
  resource: ResourceRef,
  /** Dotted paths of what changed: "state", "monthlyCost", "details.instanceType", "tags.Owner". */
  fields: Schema.Array(Schema.String).pipe(Schema.minItems(1)),
  before: Resource,
  after: Resource
}) {}

/** World_n -> World_n+1: what appeared, disappeared and changed, and the headline deltas. */
export class WorldDiff extends Schema.Class<WorldDiff>("WorldDiff")({
  from: Schema.Date,
  to: Schema.Date,
  added: Schema.Array(Resource),
  removed: Schema.Array(Resource),
  changed: Schema.Array(ResourceChange),
  /** Negative when the world got cheaper. */
  monthlyCostDelta: MicroUsd,
  securityScoreDelta: Schema.Number.pipe(Schema.between(-100, 100)),
  averageUtilizationDelta: Schema.Number.pipe(Schema.between(-100, 100)),
  findingsAdded: Schema.Array(FindingId),
  findingsResolved: Schema.Array(FindingId)
}) {}
