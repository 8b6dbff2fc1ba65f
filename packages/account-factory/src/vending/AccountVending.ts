/**
 * Account vending: CreateAccount -> poll DescribeCreateAccountStatus with
 * backoff and an overall timeout -> move to the target OU -> tag -> wait
 * until the account's role answers -> baseline. Idempotent: before creating
 * it looks for the account by e-mail and for a running request by name, so
 * a vend killed at any step and run again ends with exactly one account.
 * At most `maxInFlight` creations run at once (AWS allows 5); the rest queue.
 */
import type { AccountId, AwsTags, OrgNodeId } from "@miyabi/types"
import { Data, Duration, Effect, Either, Option, Ref, Schedule, Schema } from "effect"
import { vendPollSchedule } from "./VendPolling.js"
import { isTransient, Organizations, OrganizationsError, type AccountSummary, type CreateAccountFailureReason, type CreateAccountStatus } from "../org/Organizations.js"

export const VendFailureReason = Schema.Literal(
  "EmailAlreadyExists",
  "AccountLimitExceeded",
  "ConcurrentAccountModification",
  "InvalidAddress",
  "InvalidEmail",
  "PaymentInstrument",
  "BusinessValidation",
  "InternalFailure",
  "Timeout",
  "RoleNotReady",
  "Organizations"
)
export type VendFailureReason = typeof VendFailureReason.Type

/** What the user can do about each failure. */
export const VEND_ACTIONS: { readonly [reason in VendFailureReason]: string } = {
  EmailAlreadyExists: "use another root e-mail: every AWS account needs its own (a +suffix address works)",
  AccountLimitExceeded: "raise the organization's account quota in Service Quotas (us-east-1), or close unused accounts",
  ConcurrentAccountModification: "run the vend again: another change to the organization was in progress",
  InvalidAddress: "fix the organization's contact address in the management account",
  InvalidEmail: "fix the e-mail address of the account request",
  PaymentInstrument: "add a valid payment method to the management account",
  BusinessValidation: "complete AWS's business validation for the management account (AWS Support)",
  InternalFailure: "run the vend again; if it keeps failing, open an AWS Support case with the request id",
  Timeout: "run the vend again: it resumes the running request instead of starting a second one",
  RoleNotReady: "run the vend again later: the account exists, its role was not assumable in time",
  Organizations: "see the detail; fix the cause and run the vend again"
}

export class VendError extends Schema.TaggedError<VendError>()("VendError", {
  reason: VendFailureReason,
  accountName: Schema.String,
  email: Schema.String,
  detail: Schema.String,
  action: Schema.String
}) {
  override get message(): string {
    return `vending ${this.accountName} <${this.email}> failed: ${this.reason}: ${this.detail}. What to do: ${this.action}`
  }
}

const FAILURES: { readonly [reason in CreateAccountFailureReason]: VendFailureReason } = {
  EMAIL_ALREADY_EXISTS: "EmailAlreadyExists",
  ACCOUNT_LIMIT_EXCEEDED: "AccountLimitExceeded",
  CONCURRENT_ACCOUNT_MODIFICATION: "ConcurrentAccountModification",
  INVALID_ADDRESS: "InvalidAddress",
  INVALID_EMAIL: "InvalidEmail",
  INTERNAL_FAILURE: "InternalFailure",
  MISSING_PAYMENT_INSTRUMENT: "PaymentInstrument",
  INVALID_PAYMENT_INSTRUMENT: "PaymentInstrument",
  MISSING_BUSINESS_VALIDATION: "BusinessValidation",
  FAILED_BUSINESS_VALIDATION: "BusinessValidation",
  PENDING_BUSINESS_VALIDATION: "BusinessValidation",
  UNKNOWN: "InternalFailure"
}

export interface VendRequest {
  readonly name: string
  readonly email: string
  /** The OU (or root) the account must end in. */
  readonly parentId: OrgNodeId
  readonly tags: AwsTags
}

export interface VendedAccount {
  readonly accountId: AccountId
  readonly name: string
  readonly email: string
  readonly parentId: OrgNodeId
  /** true when an earlier run had already created it (found by e-mail or by its running request). */
  readonly resumed: boolean
}

export type VendStage = "Creating" | "InProgress" | "Created" | "Moving" | "Tagging" | "WaitingForRole" | "Baseline" | "Done" | "Failed"

export interface VendOptions {
  /**
   * Between DescribeCreateAccountStatus reads (and CreateAccount retries on
   * ConcurrentModification). Default `vendPollSchedule()`: from 250 ms, 1.2x
   * each time, ±10 % jitter, at most 10 s apart, for at most 20 minutes.
   */
  readonly pollSchedule?: Schedule.Schedule<unknown, unknown>
  /** From the first call to SUCCEEDED (default 20 minutes). */
  readonly creationTimeout?: Duration.DurationInput
  /** Between role probes while the role answers AccessDenied (default every 5 s). */
  readonly roleSchedule?: Schedule.Schedule<unknown, unknown>
  /** How long IAM may take to settle in the new account (default 5 minutes). */
  readonly roleTimeout?: Duration.DurationInput
  /** Creations in flight at once (default 5, AWS's limit). */
  readonly maxInFlight?: number
  /** Retries of transient failures of the other calls (default 5, exponential from 500 ms). */
  readonly retrySchedule?: Schedule.Schedule<unknown, unknown>
  /** What every new account gets (guardrails, logging...). Runs on resumed accounts too: it must be idempotent. */
  readonly baseline?: (account: VendedAccount) => Effect.Effect<void, VendError>
  readonly onProgress?: (name: string, stage: VendStage, detail: string) => Effect.Effect<void>
}

class StillInProgress extends Data.TaggedError("StillInProgress")<{ readonly requestId: string }> {}

const defaults = {
  pollSchedule: vendPollSchedule(),
  creationTimeout: Duration.minutes(20),
  roleSchedule: Schedule.spaced("5 seconds"),
  roleTimeout: Duration.minutes(5),
  retrySchedule: Schedule.exponential("500 millis").pipe(Schedule.intersect(Schedule.recurs(5)))
}

/** What a batch shares: one look at the organization, and the creation slots. */
interface BatchContext {
  readonly accounts: ReadonlyArray<AccountSummary> | undefined
  readonly running: ReadonlyArray<CreateAccountStatus> | undefined
  readonly slot: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

/** Vends one account (see the module comment). */
export const vendAccount = (request: VendRequest, options: VendOptions = {}): Effect.Effect<VendedAccount, VendError, Organizations> =>
  vendWith(request, options, undefined)

const vendWith = (request: VendRequest, options: VendOptions, batch: BatchContext | undefined): Effect.Effect<VendedAccount, VendError, Organizations> =>
  Effect.gen(function* () {
    const orgs = yield* Organizations
    const progress = (stage: VendStage, detail = "") => options.onProgress?.(request.name, stage, detail) ?? Effect.void
    const vendError = (reason: VendFailureReason, detail: string) =>
      new VendError({ reason, accountName: request.name, email: request.email, detail, action: VEND_ACTIONS[reason] })
    const fromOrgs = (error: OrganizationsError) => vendError(error.reason === "ConcurrentModification" ? "ConcurrentAccountModification" : "Organizations", error.message)
    const retrying = <A>(effect: Effect.Effect<A, OrganizationsError>) =>
      effect.pipe(Effect.retry({ schedule: options.retrySchedule ?? defaults.retrySchedule, while: isTransient }), Effect.mapError(fromOrgs))

    // `answered`: CreateAccount's own IN_PROGRESS answer counts as the first read, so the
    // next one waits the schedule's first delay instead of asking again at once.
    const poll = (requestId: string, answered?: CreateAccountStatus): Effect.Effect<CreateAccountStatus, VendError> =>
      Effect.flatMap(Ref.make(answered), (first) =>
        Ref.getAndSet(first, undefined).pipe(
          Effect.flatMap((known) => (known === undefined ? orgs.describeCreateAccountStatus(requestId) : Effect.succeed(known))),
          Effect.flatMap((status) => (status.state === "IN_PROGRESS" ? Effect.fail(new StillInProgress({ requestId })) : Effect.succeed(status))),
          Effect.retry({
            schedule: options.pollSchedule ?? defaults.pollSchedule,
            while: (error) => error instanceof StillInProgress || isTransient(error)
          })
        )
      ).pipe(
        Effect.catchTag("StillInProgress", () => Effect.fail(vendError("Timeout", `request ${requestId} is still in progress`))),
        Effect.catchTag("OrganizationsError", (error) => Effect.fail(fromOrgs(error)))
      )

    // 1. Find what an earlier run left, else create.
    const created = Effect.gen(function* () {
      const accounts = batch?.accounts ?? (yield* retrying(orgs.listAccountSummaries()))
      const existing = accounts.find((account) => account.email.toLowerCase() === request.email.toLowerCase())
      if (existing !== undefined) return { accountId: existing.id, resumed: true }
      const running = (batch?.running ?? (yield* retrying(orgs.listCreateAccountStatus("IN_PROGRESS")))).find((status) => status.accountName === request.name)
      let status: CreateAccountStatus
      if (running !== undefined) {
        yield* progress("InProgress", `resuming request ${running.requestId}`)
        status = yield* poll(running.requestId)
      } else {
        yield* progress("Creating")
        // CreateAccount answers ConcurrentModification while 5 creations run; that is worth waiting for.
        const started = yield* orgs.createAccount({ name: request.name, email: request.email, tags: request.tags }).pipe(
          Effect.retry({ schedule: options.pollSchedule ?? defaults.pollSchedule, while: isTransient }),
          Effect.mapError(fromOrgs)
        )
        yield* progress("InProgress", `request ${started.requestId}`)
        status = started.state === "IN_PROGRESS" ? yield* poll(started.requestId, started) : started
      }
      if (status.state === "FAILED" || status.accountId === undefined) {
        const reason = FAILURES[status.failureReason ?? "UNKNOWN"]
        return yield* Effect.fail(vendError(reason, `CreateAccount request ${status.requestId} failed: ${status.failureReason ?? "no reason given"}`))
      }
      yield* progress("Created", status.accountId)
      return { accountId: status.accountId, resumed: running !== undefined }
    }).pipe(
      // Only creation holds one of the in-flight slots (AWS's limit is on creations); moving,
      // tagging and waiting for the role run beside the next creations.
      (effect) => (batch === undefined ? effect : batch.slot(effect)),
      Effect.timeoutFail({
        duration: options.creationTimeout ?? defaults.creationTimeout,
        onTimeout: () => vendError("Timeout", `the account was not created within ${Duration.format(Duration.decode(options.creationTimeout ?? defaults.creationTimeout))}`)
      })
    )
    const { accountId, resumed } = yield* created

    // 2. Move, tag: each idempotent, so a rerun after a crash just repeats them.
    const parent = yield* retrying(orgs.parentOf(accountId))
    if (parent !== request.parentId) {
      yield* progress("Moving", `${parent} -> ${request.parentId}`)
      yield* retrying(orgs.moveAccount(accountId, parent, request.parentId))
    }
    yield* progress("Tagging")
    yield* retrying(orgs.tagResource(accountId, request.tags))

    // 3. A new account's role answers AccessDenied until IAM settles there.
    yield* progress("WaitingForRole")
    yield* orgs.probeAccountRole(accountId).pipe(
      Effect.retry({ schedule: options.roleSchedule ?? defaults.roleSchedule, while: (error) => error.reason === "AccessDenied" || isTransient(error) }),
      Effect.timeoutFail({ duration: options.roleTimeout ?? defaults.roleTimeout, onTimeout: () => vendError("RoleNotReady", `the role in ${accountId} did not answer in time`) }),
      Effect.catchTag("OrganizationsError", (error) => Effect.fail(error.reason === "AccessDenied" ? vendError("RoleNotReady", error.message) : fromOrgs(error)))
    )
    const vended: VendedAccount = { accountId, name: request.name, email: request.email, parentId: request.parentId, resumed }
    if (options.baseline !== undefined) {
      yield* progress("Baseline")
      yield* options.baseline(vended)
    }
    yield* progress("Done", accountId)
    return vended
  }).pipe(
    Effect.tapError((error) => options.onProgress?.(request.name, "Failed", error.reason) ?? Effect.void),
    Effect.withSpan("AccountVending.vendAccount", { attributes: { name: request.name } })
  )

/**
 * Vends many accounts, at most `maxInFlight` creations at once (the rest
 * wait for a slot); one result per request, in order. The organization is
 * read once for the whole batch.
 */
export const vendAccounts = (
  requests: ReadonlyArray<VendRequest>,
  options: VendOptions = {}
): Effect.Effect<ReadonlyArray<Either.Either<VendedAccount, VendError>>, never, Organizations> =>
  Effect.gen(function* () {
    const orgs = yield* Organizations
    const slots = yield* Effect.makeSemaphore(options.maxInFlight ?? 5)
    const retry = <A>(effect: Effect.Effect<A, OrganizationsError>) => Effect.retry(effect, { schedule: options.retrySchedule ?? defaults.retrySchedule, while: isTransient })
    // When the organization cannot be read up front, each vend reads it itself (and reports the failure).
    const seen = Option.getOrUndefined(
      yield* Effect.all({ accounts: retry(orgs.listAccountSummaries()), running: retry(orgs.listCreateAccountStatus("IN_PROGRESS")) }).pipe(Effect.option)
    )
    const batch: BatchContext = { accounts: seen?.accounts, running: seen?.running, slot: slots.withPermits(1) }
    return yield* Effect.forEach(requests, (request) => Effect.either(vendWith(request, options, batch)), { concurrency: "unbounded" })
  }).pipe(Effect.withSpan("AccountVending.vendAccounts", { attributes: { count: requests.length } }))
