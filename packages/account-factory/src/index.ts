/**
 * @miyabi/account-factory: the public API. AWS Organizations as code (spec,
 * SCP lint, plan), tenancy placement and account vending.
 */
export * from "./spec/OrgSpec.js"
export * from "./spec/SpecDocument.js"
export * from "./spec/SpecLoader.js"
export * from "./scp/ActionPattern.js"
export * from "./scp/PolicyFinding.js"
export * from "./scp/ScpLint.js"
