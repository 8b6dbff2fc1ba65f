/**
 * θ5: how much a change should raise CPU, so a resize that doubles CPU as
 * predicted is not called a regression. Same work on fewer vCPUs:
 * old vCPU / new vCPU (RDS classes are EC2 types with a "db." prefix; ECS
 * tasks by CPU units). Other actions predict no rise.
 */
import type { ChangeAction } from "@miyabi/types"
import { instanceType, type PriceCatalog } from "../pricing/PricingCatalog.js"
import { expectedCpuRise } from "./Compare.js"

const vcpus = (catalog: PriceCatalog, type: string): number | undefined => instanceType(catalog, type.replace(/^db\./, ""))?.vcpus

export const expectedRiseFor = (action: ChangeAction, catalog: PriceCatalog): number => {
  switch (action._tag) {
    case "ResizeInstance":
      return expectedCpuRise(vcpus(catalog, action.fromType) ?? 0, vcpus(catalog, action.toType) ?? 0)
    case "ResizeDbInstance":
      return expectedCpuRise(vcpus(catalog, action.fromClass) ?? 0, vcpus(catalog, action.toClass) ?? 0)
    case "ResizeEcsTask":
      return expectedCpuRise(action.fromCpuUnits, action.toCpuUnits)
    default:
      return 1
  }
}
