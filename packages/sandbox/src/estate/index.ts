/** The seeded estate: generator, data model, truth, and the sources the sandbox core reads. */
export * from "./GenerateEstate.js"
export * from "./SandboxEstate.js"
export type * from "./Model.js"
export { findingsOf } from "./Truth.js"
export { estateMetrics } from "./EstateMetrics.js"
export { estateCosts, SERVICE_NAMES } from "./EstateCosts.js"
export { instanceTypes, findInstanceType, type InstanceTypeSpec } from "./InstanceCatalog.js"
export { createTableRequest, tablesIn, type CreateTableRequest } from "./EstateTables.js"
