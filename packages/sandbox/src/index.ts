/**
 * The public API of @miyabi/sandbox: a local AWS reached by the real AWS SDK
 * clients over loopback HTTP.
 *
 *   Sandbox.start(options)   scoped Effect -> SandboxHandle
 *   startSandbox(options)    Promise -> RunningSandbox (with stop())
 *   sandboxUp(options)       scoped Effect for `miyabi sandbox up` -> env + export lines
 *
 * Service modules plug in through `ServiceHandler` (see ServiceHandler.ts).
 */
export * as Sandbox from "./Sandbox.js"
export { up as sandboxUp, type UpOptions, type UpResult } from "./Up.js"
export { SandboxError, startSandbox, type SandboxHandle, type SandboxOptions, type RunningSandbox } from "./Sandbox.js"
export { useSandboxEnv, withProcessEnv } from "./ProcessEnv.js"
export * from "./ServiceHandler.js"
export * from "./EstateContract.js"
export type { FaultConfig, FaultControl, FaultRule, RateLimit } from "./Faults.js"
export type { ChangeLog, LoggedRequest } from "./ChangeLog.js"
export type { SandboxClock } from "./Clock.js"
export { XmlFlat, XmlList, XmlRaw } from "./protocol/Xml.js"
export type { OrgState } from "./services/organizations/OrgState.js"
export type { MetricStore } from "./services/cloudwatch/MetricStore.js"
export { makeAthenaService, type AthenaEstate, type AthenaOptions } from "./services/athena/AthenaService.js"
export { sandboxEstate, makeSandboxEstate, type SandboxEstate } from "./estate/index.js"
export * as estate from "./estate/index.js"
export { withLoadSurge, type LoadSurge, type EstateMetricsOptions } from "./estate/EstateMetrics.js"
