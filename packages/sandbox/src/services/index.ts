/**
 * The services a sandbox serves by default. Core services (STS,
 * Organizations, SQS, CloudWatch, Cost Explorer) need sandbox internals and
 * are built in Sandbox.ts; estate-backed services are listed here.
 */
import type { Estate } from "../EstateContract.js"
import type { ServiceFactory } from "../ServiceHandler.js"

export const estateServices: ReadonlyArray<ServiceFactory<Estate>> = []
