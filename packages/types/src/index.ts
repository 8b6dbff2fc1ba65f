/**
 * @miyabi/types: the public API of the domain's schemas, ids and errors.
 * Import from "@miyabi/types" only; internal paths are not part of the API.
 */
export * as Ids from "./Ids.js"
export * from "./Ids.js"
export * as Money from "./Money.js"
export { MicroUsd } from "./Money.js"
export * from "./Errors.js"
export * from "./Decode.js"
export * from "./Task.js"
export * from "./TaskDefinition.js"
export * from "./Account.js"
export * from "./Tenancy.js"
export * from "./Cost.js"
export * from "./Resource.js"
export * from "./Finding.js"
export * from "./World.js"
export * from "./Plan.js"
export * from "./Deployment.js"
export * from "./Observation.js"
export * from "./Learning.js"
export * from "./JsonPositions.js"
