/**
 * Starting and stopping a sandbox. `start` is a scoped Effect: the HTTP
 * server, dynalite and every in-flight request live in the scope and are
 * released with it.
 */
import { Effect, Exit, Schema, Scope } from "effect"
import { type ChangeLog, makeChangeLog } from "./ChangeLog.js"
import { makeClock, type SandboxClock } from "./Clock.js"
import { makeCredentialStore } from "./Credentials.js"
import { type DynamoPlace, startDynamo } from "./Dynamo.js"
import { type Estate, minimalEstate } from "./EstateContract.js"
import { type FaultConfig, type FaultControl, makeFaults } from "./Faults.js"
import { createTableRequest, type EstateSize, sandboxEstate, tablesIn } from "./estate/index.js"
import { estateDataOf } from "./estate/SandboxEstate.js"
import { makeRouter } from "./Router.js"
import { serve } from "./Server.js"
import type { ServiceFactory, ServiceHandler } from "./ServiceHandler.js"
import { estateServices } from "./services/index.js"
import { makeOrganizationsService, type OrganizationsOptions } from "./services/organizations/OrganizationsService.js"
import { makeOrgState, type OrgState } from "./services/organizations/OrgState.js"
import { type CostExplorerOptions, makeCostExplorerService } from "./services/costexplorer/CostExplorerService.js"
import { makeCloudWatchService } from "./services/cloudwatch/CloudWatchService.js"
import { makeMetricStore, type MetricStore } from "./services/cloudwatch/MetricStore.js"
import { makeSsoAdminService, type SsoAdminOptions } from "./services/ssoadmin/SsoAdminService.js"
import { makeSqs, type SqsOptions } from "./services/sqs/SqsService.js"
import { makeStsService } from "./services/sts/StsService.js"
import { makeAthenaService } from "./services/athena/AthenaService.js"
import { makeS3ServiceWith } from "./services/s3/S3Service.js"
import { makeS3ObjectStore } from "./services/s3/S3ObjectStore.js"

export interface SandboxOptions<E extends Estate = Estate> {
  /** Default 127.0.0.1. */
  readonly host?: string
  /** Default 0 (a free port). */
  readonly port?: number
  /** Region reported to clients that sign none; default us-east-1. */
  readonly region?: string
  /** The data to serve; default `seed`/`size` generated, or a minimal two-member organization when neither is given. */
  readonly estate?: E
  /** Generate the estate from this seed (see src/estate); ignored when `estate` is given. */
  readonly seed?: number
  readonly size?: EstateSize
  /** The generated estate's "now" (epoch ms); the generator's fixed default keeps estates reproducible. */
  readonly asOf?: number
  /** Services added to (and overriding, by signing name) the built-in ones. */
  readonly services?: ReadonlyArray<ServiceFactory<E>>
  /** Faults at start; change them at runtime with `sandbox.faults`. */
  readonly faults?: FaultConfig
  /** CreateAccount timing and failure injection. */
  readonly organizations?: OrganizationsOptions
  readonly sqs?: SqsOptions
  readonly costExplorer?: CostExplorerOptions
  readonly ssoAdmin?: SsoAdminOptions
  /** Serve DynamoDB through dynalite, one per (account, region) started on first use (default true). */
  readonly dynamodb?: boolean | SandboxDynamoOptions
}

export interface SandboxDynamoOptions {
  /** Create the estate's tables (`estate.data.tables`), tags included, in each one's account and region. Default false: every place starts empty. */
  readonly estateTables?: boolean
  /** At most this many (account, region) places with DynamoDB; default 200. */
  readonly maxPlaces?: number
}

export interface SandboxHandle<E extends Estate = Estate> {
  /** `http://127.0.0.1:<port>`: give it to clients as `endpoint` or `AWS_ENDPOINT_URL`. */
  readonly endpoint: string
  readonly port: number
  readonly region: string
  /** The management account's keys. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string }
  /** The management account id. */
  readonly accountId: string
  readonly estate: E
  /** The live organization (accounts, OUs, policies, CreateAccount requests). */
  readonly organization: OrgState
  /** CloudWatch's data: estate sources, SQS gauges and PutMetricData. */
  readonly metrics: MetricStore
  readonly faults: FaultControl
  readonly log: ChangeLog
  readonly clock: SandboxClock
  /** Keys acting for `accountId` as if from AssumeRole into `roleName` (default OrganizationAccountAccessRole). */
  readonly credentialsFor: (accountId: string, roleName?: string) => { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken: string }
  /** The environment a shell or a child process needs to use this sandbox. */
  readonly env: Readonly<Record<string, string>>
}

/** Why a sandbox could not start: its port was taken. (dynalite starts per place on first use; a failure there is that request's 500.) */
export class SandboxError extends Schema.TaggedError<SandboxError>()("SandboxError", {
  reason: Schema.Literal("ListenFailed"),
  message: Schema.String
}) {}

/** Starts a sandbox in the current scope. */
export const start = <E extends Estate = Estate>(options: SandboxOptions<E> = {}): Effect.Effect<SandboxHandle<E>, SandboxError, Scope.Scope> =>
  Effect.gen(function* () {
    const estate =
      options.estate ??
      ((options.seed === undefined && options.size === undefined ? minimalEstate() : sandboxEstate({ seed: options.seed ?? 1, size: options.size ?? "small", ...(options.asOf === undefined ? {} : { asOf: options.asOf }) })) as E)
    const region = options.region ?? "us-east-1"
    const clock = makeClock()
    const faults = makeFaults({
      ...options.faults,
      deniedAccounts: [...(options.faults?.deniedAccounts ?? []), ...(estate.organization.deniedAccounts ?? [])]
    })
    const log = makeChangeLog()
    const org = estate.organization
    const credentials = makeCredentialStore(org.managementAccount.id)
    const organization = makeOrgState(org)
    const env = { estate, now: clock.now }
    const sqs = makeSqs(options.sqs, clock.now)
    const metrics = makeMetricStore([estate.metrics, sqs.metrics])
    // S3 and Athena share the sandbox's objects: Athena reads its tables' S3 locations from what S3 was given.
    const objects = makeS3ObjectStore()
    const core: Array<ServiceHandler> = [
      makeStsService({
        credentials,
        faults,
        roleReady: (id, now) => {
          organization.settle(now)
          const account = organization.accounts.get(id)
          const created = [...organization.requests.values()].some((r) => r.outcome.ok && r.outcome.accountId === id)
          return account !== undefined && (!created || now.getTime() >= account.joined.getTime() + (options.organizations?.newAccountRoleDelayMs ?? 0))
        }
      })(env),
      makeOrganizationsService(organization, options.organizations)(env),
      sqs.factory(env),
      makeCloudWatchService(metrics)(env),
      makeCostExplorerService(estate.costs, org.managementAccount.id, (id) => organization.accounts.get(id)?.name, options.costExplorer)(env),
      makeSsoAdminService(org.managementAccount.id, (id) => organization.accounts.has(id), options.ssoAdmin)(env),
      makeS3ServiceWith(objects)(env),
      makeAthenaService({ objects })(env)
    ]
    const extra = [...estateServices, ...(options.services ?? [])].map((factory) => (factory as ServiceFactory<E>)(env))
    const bySigning = new Map<string, ServiceHandler>()
    for (const handler of [...core, ...extra]) bySigning.set(handler.signingName, handler)
    // Added before the server starts, so it runs after the server has stopped taking requests.
    yield* Effect.addFinalizer(() => Effect.sync(() => [...core, ...extra].forEach((handler) => handler.close?.())))
    const dynamoOptions = typeof options.dynamodb === "object" ? options.dynamodb : {}
    const data = dynamoOptions.estateTables === true ? estateDataOf(estate) : undefined
    const dynamo = options.dynamodb === false
      ? undefined
      : yield* startDynamo({
        ...(dynamoOptions.maxPlaces === undefined ? {} : { maxPlaces: dynamoOptions.maxPlaces }),
        ...(data === undefined ? {} : { seed: (place: DynamoPlace) => tablesIn(data, place.accountId, place.region).map(createTableRequest) })
      })
    let endpoint = ""
    const router = makeRouter({
      services: [...bySigning.values()],
      faults,
      log,
      credentials,
      estate,
      now: clock.now,
      endpoint: () => endpoint,
      defaultRegion: region,
      ...(dynamo === undefined ? {} : { dynamo })
    })
    const server = yield* serve(router.handle, {
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.port === undefined ? {} : { port: options.port })
    }).pipe(Effect.mapError((e) => new SandboxError({ reason: "ListenFailed", message: `cannot listen on ${options.host ?? "127.0.0.1"}:${options.port ?? 0}: ${e.message}` })))
    endpoint = server.url
    const handle: SandboxHandle<E> = {
      endpoint,
      port: server.port,
      region,
      credentials: credentials.management,
      accountId: org.managementAccount.id,
      estate,
      organization,
      metrics,
      faults,
      log,
      clock,
      credentialsFor: (accountId, roleName = "OrganizationAccountAccessRole") => {
        const issued = credentials.issue(accountId, roleName, "sandbox")
        return { accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey, sessionToken: issued.sessionToken }
      },
      env: {
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: credentials.management.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.management.secretAccessKey,
        AWS_REGION: region
      }
    }
    return handle
  }).pipe(Effect.withSpan("Sandbox.start"))

/** A started sandbox for Promise-based callers (tools, scripts); call `stop` when done. */
export interface RunningSandbox<E extends Estate = Estate> extends SandboxHandle<E> {
  readonly stop: () => Promise<void>
}

/** Starts a sandbox outside Effect. The edge of the library: it owns its scope. */
export const startSandbox = async <E extends Estate = Estate>(options: SandboxOptions<E> = {}): Promise<RunningSandbox<E>> => {
  const scope = Effect.runSync(Scope.make())
  const exit = await Effect.runPromiseExit(Scope.extend(start(options), scope))
  if (Exit.isFailure(exit)) {
    await Effect.runPromise(Scope.close(scope, exit))
    throw new Error(`sandbox failed to start: ${String(exit.cause)}`)
  }
  return { ...exit.value, stop: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}
