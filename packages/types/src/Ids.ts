/**
 * Branded identifiers of the domain. Each is a Schema so that ids read from
 * files, the command line or AWS are checked once, at the edge.
 */
import { Schema } from "effect"

/** A task in the queue (a ULID-like, URL-safe string). */
export const TaskId = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9_-]{1,64}$/, { message: () => "a task id is 1-64 characters of A-Z, a-z, 0-9, _ or -" }),
  Schema.brand("TaskId")
)
export type TaskId = typeof TaskId.Type

/** A kind of task, e.g. "aws-cycle", "account-vend", "cost-report", "noop". */
export const TaskKind = Schema.String.pipe(
  Schema.pattern(/^[a-z][a-z0-9-]{0,62}$/, { message: () => "a task kind is lower-case letters, digits and dashes, starting with a letter" }),
  Schema.brand("TaskKind")
)
export type TaskKind = typeof TaskKind.Type

/** A client-chosen key that makes enqueueing idempotent. */
export const IdempotencyKey = Schema.String.pipe(
  Schema.minLength(1),
  Schema.maxLength(256),
  Schema.brand("IdempotencyKey")
)
export type IdempotencyKey = typeof IdempotencyKey.Type

/** A worker process (host and pid, or an ECS task id). */
export const WorkerId = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(128), Schema.brand("WorkerId"))
export type WorkerId = typeof WorkerId.Type

/** A customer of the platform; the value of the CostCenter tag by default. */
export const CustomerId = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9._:@+=-]{0,127}$/, { message: () => "a customer id is 1-128 characters of letters, digits and ._:@+=-" }),
  Schema.brand("CustomerId")
)
export type CustomerId = typeof CustomerId.Type

/** A twelve-digit AWS account id. */
export const AccountId = Schema.String.pipe(
  Schema.pattern(/^\d{12}$/, { message: () => "an AWS account id is exactly 12 digits" }),
  Schema.brand("AccountId")
)
export type AccountId = typeof AccountId.Type

/** An AWS region name such as us-east-1. */
export const Region = Schema.String.pipe(
  Schema.pattern(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, { message: () => "an AWS region looks like us-east-1" }),
  Schema.brand("Region")
)
export type Region = typeof Region.Type

/** An Amazon Resource Name. */
export const Arn = Schema.String.pipe(
  Schema.pattern(/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$/, { message: () => "an ARN looks like arn:aws:service:region:account:resource" }),
  Schema.brand("Arn")
)
export type Arn = typeof Arn.Type

/** An organization root (r-xxxx) or organizational unit (ou-xxxx-yyyyyyyy). */
export const OrgNodeId = Schema.String.pipe(
  Schema.pattern(/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/, { message: () => "an organization node id looks like r-ab12 or ou-ab12-cdef3456" }),
  Schema.brand("OrgNodeId")
)
export type OrgNodeId = typeof OrgNodeId.Type

/** A service control policy id (p-xxxxxxxx). */
export const PolicyId = Schema.String.pipe(
  Schema.pattern(/^p-[0-9a-zA-Z_]{8,128}$/, { message: () => "a policy id looks like p-ab12cd34" }),
  Schema.brand("PolicyId")
)
export type PolicyId = typeof PolicyId.Type

/** The id AWS gives a resource (i-..., vol-..., a bucket name, a function name). */
export const ResourceId = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(2048), Schema.brand("ResourceId"))
export type ResourceId = typeof ResourceId.Type

/** One agent cycle (World_n -> World_n+1). */
export const CycleId = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9_-]{1,64}$/, { message: () => "a cycle id is 1-64 characters of A-Z, a-z, 0-9, _ or -" }),
  Schema.brand("CycleId")
)
export type CycleId = typeof CycleId.Type
