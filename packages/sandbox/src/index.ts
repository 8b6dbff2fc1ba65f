/**
 * The public API of @miyabi/sandbox: a local AWS reached by the real AWS SDK
 * clients over loopback HTTP.
 *
 *   Sandbox.start(options)   scoped Effect -> SandboxHandle
 *   startSandbox(options)    Promise -> RunningSandbox (with stop())
 *
 * Service modules plug in through `ServiceHandler` (see ServiceHandler.ts).
 */
export * as Sandbox from "./Sandbox.js"
export { startSandbox, type SandboxHandle, type SandboxOptions, type RunningSandbox } from "./Sandbox.js"
export * from "./ServiceHandler.js"
export * from "./EstateContract.js"
export type { FaultConfig, FaultControl, FaultRule, RateLimit } from "./Faults.js"
export type { ChangeLog, LoggedRequest } from "./ChangeLog.js"
export type { SandboxClock } from "./Clock.js"
export { XmlFlat, XmlList, XmlRaw } from "./protocol/Xml.js"
