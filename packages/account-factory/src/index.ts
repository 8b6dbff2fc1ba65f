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
export * from "./plan/PlanStep.js"
export * from "./plan/OrgDiff.js"
export * from "./plan/PlanSimulator.js"
export * from "./plan/PlanRender.js"
export * from "./tenancy/TenancySettings.js"
export * from "./tenancy/TenantPlacement.js"
export * from "./tenancy/TenancyAdvice.js"
export * from "./tenancy/TenantResource.js"
export * from "./tenancy/TenantMigration.js"
export * from "./tenancy/TenantOffboarding.js"
export * from "./org/Organizations.js"
export * as OrganizationsMemory from "./org/OrganizationsMemory.js"
export * as OrganizationsSdk from "./adapters/Organizations.js"
export * from "./vending/AccountVending.js"
