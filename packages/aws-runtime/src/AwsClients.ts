/**
 * AwsClients: every AWS call of the product goes through here. It holds one
 * SDK client per (service, account, region), destroyed when unused for a
 * while and when the layer is released; assumes a role into member accounts;
 * spends the request budget; retries only transient failures; maps SDK
 * exceptions to `AwsError`; and passes the fiber's abort signal to the SDK,
 * so interrupting a call cancels its HTTP request.
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts"
import { fromNodeProviderChain } from "@aws-sdk/credential-providers"
import type { AccountId, Region } from "@miyabi/types"
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, CommandIO, MetadataBearer } from "@smithy/types"
import { Cache, Clock, Context, Duration, Effect, Exit, Layer, Runtime, type Scope, Stream } from "effect"
import { AwsConfig, type AwsConfigShape } from "./AwsConfig.js"
import { makeClientCache } from "./ClientCache.js"
import { abortableAttempt } from "./AbortableAttempt.js"
import { makeConnectionPool } from "./ConnectionPool.js"
import { type AwsError, type CallContext, fromSdkError, timeoutError } from "./AwsError.js"
import { type ArrayKeys, collectPages, type ItemOf, type PageKeys, paginate as paginateWith } from "./Paginate.js"
import * as RequestBudget from "./RequestBudget.js"
import { retrySchedule } from "./RetryPolicy.js"
import * as ServiceDescriptor from "./ServiceDescriptor.js"
import type { SdkClient } from "./ServiceDescriptor.js"

/** Where a call goes. No account: the caller's own credentials. No region: the configured default. */
export interface AwsTarget {
  readonly account?: AccountId | undefined
  readonly region?: Region | undefined
}

export interface CallerIdentity {
  readonly account: string
  readonly arn: string
  readonly userId: string
}

export interface CallOptions {
  /** The operation name for logs and errors; default the command's class name without "Command". */
  readonly operation?: string
}

/** A list operation: the service and target, a page's command from its input, the first input, and where pages keep their token and items. */
export type ListOperation<C extends SdkClient, I extends object, O extends MetadataBearer, K extends ArrayKeys<O>> = readonly [
  descriptor: ServiceDescriptor.ServiceDescriptor<C>,
  target: AwsTarget,
  command: (input: I) => CommandIO<I, O>,
  input: NoInfer<I>,
  keys: PageKeys<NoInfer<I>, NoInfer<O>, K>
]

export interface AwsClientsShape {
  /** The region used for targets that name none. */
  readonly defaultRegion: string
  /** Who the base credentials are (STS GetCallerIdentity, asked once). */
  readonly callerIdentity: Effect.Effect<CallerIdentity, AwsError>
  /** Credentials for an account: the base chain for the caller's own, an assumed role for others (cached until near expiry). */
  readonly credentials: (account?: AccountId) => Effect.Effect<AwsCredentialIdentity, AwsError>
  /** The SDK client for a target, kept alive while the scope is open. For what `call` cannot do (streams, waiters). */
  readonly client: <C extends SdkClient>(
    descriptor: ServiceDescriptor.ServiceDescriptor<C>,
    target?: AwsTarget
  ) => Effect.Effect<C, AwsError, Scope.Scope>
  /** Sends one command: budget, retries, error mapping, abort on interruption. */
  readonly call: <C extends SdkClient, I extends object, O extends MetadataBearer>(
    descriptor: ServiceDescriptor.ServiceDescriptor<C>,
    target: AwsTarget,
    command: CommandIO<I, O>,
    options?: CallOptions
  ) => Effect.Effect<O, AwsError>
  /** A list operation as a stream of items; each page is one `call`. */
  readonly paginate: <C extends SdkClient, I extends object, O extends MetadataBearer, K extends ArrayKeys<O>>(...list: ListOperation<C, I, O, K>) => Stream.Stream<ItemOf<O[K]>, AwsError>
  /** Every page's items as one array (`collectPages`): for callers that want the whole list, at a fraction of a Stream's cost. */
  readonly paginateAll: <C extends SdkClient, I extends object, O extends MetadataBearer, K extends ArrayKeys<O>>(
    ...list: ListOperation<C, I, O, K>
  ) => Effect.Effect<ReadonlyArray<ItemOf<O[K]>>, AwsError>
}

export class AwsClients extends Context.Tag("@miyabi/aws-runtime/AwsClients")<AwsClients, AwsClientsShape>() {}

/** STS, which the runtime itself needs for identity and AssumeRole. */
export const Sts = ServiceDescriptor.make("sts", (config) => new STSClient(config))

const partitionOf = (region: string): string =>
  region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws"

/** AssumeRole session names allow 2-64 characters of [\w+=,.@-]. */
export const sessionName = (user: string, purpose: string): string =>
  `miyabi-${user}-${purpose}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64)

const operationOf = (command: object, options: CallOptions | undefined): string =>
  options?.operation ?? command.constructor.name.replace(/Command$/, "")

interface Assumed {
  readonly identity: AwsCredentialIdentity
  readonly ttl: Duration.Duration
}

export interface MakeOptions {
  /** The base credentials; default the SDK's standard chain (fromNodeProviderChain). */
  readonly baseCredentials?: AwsCredentialIdentityProvider
}

/** The region the SDK would pick (AWS_REGION, the profile's region), or us-east-1. */
const sdkRegion: Effect.Effect<string> = Effect.acquireUseRelease(
  Effect.sync(() => new STSClient({})),
  (probe) => Effect.tryPromise(() => probe.config.region()),
  (probe) => Effect.sync(() => probe.destroy())
).pipe(Effect.orElseSucceed(() => "us-east-1"))

export const make = (
  options: MakeOptions = {}
): Effect.Effect<AwsClientsShape, never, Scope.Scope | AwsConfig | RequestBudget.RequestBudget> =>
  Effect.gen(function* () {
    const config: AwsConfigShape = yield* AwsConfig
    const budget = yield* RequestBudget.RequestBudget
    const runtime = yield* Effect.runtime<never>()
    const defaultRegion = config.region ?? (yield* sdkRegion)
    const base = options.baseCredentials ?? fromNodeProviderChain()
    const schedule = retrySchedule(config)

    // Member-account clients ask for credentials through this provider; it
    // reads the same cache `call` warms first, so a failure surfaces as an
    // AwsError from `call` rather than from inside the SDK.
    const providerFor = (account: string | undefined): AwsCredentialIdentityProvider =>
      account === undefined ? base : () => Runtime.runPromise(runtime)(Effect.map(assumed(account), (a) => a.identity))

    // Acquired before the client cache, so released after every client.
    const connections = yield* makeConnectionPool
    const clients = yield* makeClientCache(config.clientIdle)
    // Descriptors are told apart by identity (two S3 descriptors may differ in path style), numbered as they come.
    const descriptorIds = new Map<ServiceDescriptor.ServiceDescriptor, number>()
    const clientKey = (descriptor: ServiceDescriptor.ServiceDescriptor, account: string | undefined, region: string): string => {
      const id = descriptorIds.get(descriptor) ?? descriptorIds.set(descriptor, descriptorIds.size + 1).size
      return `${id}|${account ?? ""}|${region}`
    }
    const makeClient = (descriptor: ServiceDescriptor.ServiceDescriptor, account: string | undefined, region: string) => () =>
      descriptor.make({ region, credentials: providerFor(account), maxAttempts: 1, requestHandler: connections.handler() })

    const timeoutMillis = Duration.toMillis(config.callTimeout)

    /** One attempt, then the retry policy; `clientAccount` picks credentials, `context` names the call. */
    const send = <I extends object, O extends MetadataBearer>(
      descriptor: ServiceDescriptor.ServiceDescriptor,
      clientAccount: string | undefined,
      context: CallContext,
      command: CommandIO<I, O>
    ): Effect.Effect<O, AwsError> => {
      const budgetKey = { account: context.account ?? "self", region: context.region, service: context.service, operation: context.operation }
      const key = clientKey(descriptor, clientAccount, context.region)
      const request = clients.use(key, makeClient(descriptor, clientAccount, context.region), (client) =>
        Effect.suspend(() => {
          const attempt = abortableAttempt((signal) => client.send(command, { abortSignal: signal }), timeoutMillis)
          return Effect.tryPromise({
            try: attempt.run,
            catch: (error) => (attempt.timedOut() ? timeoutError(context, timeoutMillis) : fromSdkError(error, context))
          })
        })
      )
      // Attempts are counted per send (a plain counter: one fiber runs them, one after the other).
      return Effect.suspend(() => {
        let attempts = 0
        const attempt = Effect.suspend(() => {
          const n = ++attempts
          return Effect.zipRight(budget.take(budgetKey), budget.inFlight(request)).pipe(
            Effect.tapError((error: AwsError) =>
              error.retryable && n < config.maxAttempts
                ? Effect.logInfo(`AWS ${context.service}:${context.operation} failed, retrying`).pipe(
                    // Annotated here, on the one log a call writes, not around every call (a FiberRef update and 4 hashed keys each).
                    Effect.annotateLogs({ ...budgetKey, attempt: n, reason: error.reason, code: error.code })
                  )
                : Effect.void
            )
          )
        })
        // The first attempt runs outside Effect.retry, whose schedule driver costs 34 Effect operations on every
        // call while nearly all calls succeed at once. A retryable failure hands over to the policy, which is
        // shown that failure first: the delays and the attempt count are those of retrying from the start.
        return Effect.catchIf(attempt, (error) => error.retryable, (first) => {
          let replayed = false
          const again = Effect.suspend(() => {
            if (replayed) return attempt
            replayed = true
            return Effect.fail(first)
          })
          return Effect.retry(again, { schedule, while: (error) => error.retryable })
        })
      }).pipe(
        // No stack trace per span: capturing one on every AWS call was a fifth of its CPU.
        Effect.withSpan("AwsClients.call", {
          captureStackTrace: false,
          attributes: {
            "aws.service": context.service,
            "aws.operation": context.operation,
            "aws.account": budgetKey.account,
            "aws.region": context.region
          }
        })
      )
    }

    // Asked once; a failure is not kept, so the next call asks again.
    const identityCache = yield* Cache.makeWith({
      capacity: 1,
      lookup: (_: "self") =>
        send(Sts, undefined, { service: "sts", operation: "GetCallerIdentity", account: undefined, region: defaultRegion }, new GetCallerIdentityCommand({})).pipe(
          Effect.map((out): CallerIdentity => ({ account: out.Account ?? "", arn: out.Arn ?? "", userId: out.UserId ?? "" }))
        ),
      timeToLive: Exit.match({ onFailure: () => Duration.zero, onSuccess: () => Duration.infinity })
    })
    const callerIdentity = identityCache.get("self").pipe(Effect.tapError(() => identityCache.invalidate("self")))

    const assume = (account: string): Effect.Effect<Assumed, AwsError> =>
      Effect.gen(function* () {
        const roleArn = `arn:${partitionOf(defaultRegion)}:iam::${account}:role/${config.roleName}`
        const out = yield* send(
          Sts,
          undefined,
          { service: "sts", operation: "AssumeRole", account, region: defaultRegion },
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: sessionName(config.sessionUser, config.sessionPurpose),
            DurationSeconds: Math.round(Duration.toSeconds(config.roleDuration)),
            ...(config.externalId === undefined ? {} : { ExternalId: config.externalId })
          })
        )
        const now = yield* Clock.currentTimeMillis
        const c = out.Credentials
        const expiration = c?.Expiration ?? new Date(now + Duration.toMillis(config.roleDuration))
        const ttl = Math.max(0, expiration.getTime() - now - Duration.toMillis(config.refreshMargin))
        yield* Effect.logDebug(`assumed ${roleArn}`).pipe(Effect.annotateLogs({ expiresAt: expiration.toISOString() }))
        return {
          identity: {
            accessKeyId: c?.AccessKeyId ?? "",
            secretAccessKey: c?.SecretAccessKey ?? "",
            ...(c?.SessionToken === undefined ? {} : { sessionToken: c.SessionToken }),
            expiration
          },
          ttl: Duration.millis(ttl)
        }
      })

    const assumedCache = yield* Cache.makeWith({
      capacity: 100_000,
      lookup: assume,
      timeToLive: Exit.match({ onFailure: () => Duration.zero, onSuccess: (assumed: Assumed) => assumed.ttl })
    })
    // Failures are not kept (callers waiting on the same lookup share it): the next call asks STS again.
    const assumed = (account: string): Effect.Effect<Assumed, AwsError> =>
      assumedCache.get(account).pipe(Effect.tapError(() => assumedCache.invalidate(account)))

    /** undefined: use the base credentials; otherwise the account to assume into. */
    const clientAccountFor = (account: string | undefined): Effect.Effect<string | undefined, AwsError> =>
      account === undefined
        ? Effect.succeed(undefined)
        : Effect.map(callerIdentity, (me) => (me.account === account ? undefined : account))

    const credentials = (account?: AccountId): Effect.Effect<AwsCredentialIdentity, AwsError> =>
      Effect.flatMap(clientAccountFor(account), (assumeInto) =>
        assumeInto === undefined
          ? Effect.tryPromise({
              try: () => base(),
              catch: (error) =>
                fromSdkError(error, { service: "sts", operation: "ResolveCredentials", account: undefined, region: defaultRegion })
            })
          : Effect.map(assumed(assumeInto), (a) => a.identity)
      )

    const call: AwsClientsShape["call"] = (descriptor, target, command, callOptions) => {
      const region = target.region ?? defaultRegion
      const context: CallContext = {
        service: descriptor.service,
        operation: operationOf(command, callOptions),
        account: target.account,
        region
      }
      return Effect.flatMap(clientAccountFor(target.account), (clientAccount) =>
        clientAccount === undefined
          ? send(descriptor, undefined, context, command)
          : // Warm (or fail) the assumed-role cache here, so AccessDenied on AssumeRole is this call's typed error.
            Effect.zipRight(assumed(clientAccount), send(descriptor, clientAccount, context, command))
      )
    }

    const client: AwsClientsShape["client"] = (descriptor, target = {}) =>
      Effect.gen(function* () {
        const clientAccount = yield* clientAccountFor(target.account)
        if (clientAccount !== undefined) yield* assumed(clientAccount)
        const region = target.region ?? defaultRegion
        const held = yield* clients.hold(clientKey(descriptor, clientAccount, region), makeClient(descriptor, clientAccount, region))
        // The map holds clients as the base interface; the descriptor built this one, so it is a C.
        return held as typeof held & ReturnType<typeof descriptor.make>
      })

    const paginate: AwsClientsShape["paginate"] = (descriptor, target, command, input, keys) =>
      paginateWith((page: typeof input) => call(descriptor, target, command(page)), input, keys)
    const paginateAll: AwsClientsShape["paginateAll"] = (descriptor, target, command, input, keys) =>
      collectPages((page: typeof input) => call(descriptor, target, command(page)), input, keys)

    return { defaultRegion, callerIdentity, credentials, client, call, paginate, paginateAll }
  })

/** AwsClients over a given AwsConfig and RequestBudget. */
export const layer = (options: MakeOptions = {}): Layer.Layer<AwsClients, never, AwsConfig | RequestBudget.RequestBudget> =>
  Layer.scoped(AwsClients, make(options))
