import { describe, expect, it } from "@effect/vitest"
import type { ChangeAction } from "@miyabi/types"
import { shipped } from "../pricing/PricingCatalog.js"
import { expectedRiseFor } from "./ExpectedRise.js"

describe("expectedRiseFor", () => {
  const cases: ReadonlyArray<readonly [string, ChangeAction, number]> = [
    ["m5.2xlarge (8) -> m5.xlarge (4)", { _tag: "ResizeInstance", fromType: "m5.2xlarge", toType: "m5.xlarge" }, 2],
    ["m5.4xlarge (16) -> m5.xlarge (4)", { _tag: "ResizeInstance", fromType: "m5.4xlarge", toType: "m5.xlarge" }, 4],
    ["db.m5.xlarge (4) -> db.m5.large (2)", { _tag: "ResizeDbInstance", fromClass: "db.m5.xlarge", toClass: "db.m5.large" }, 2],
    ["ECS 1024 -> 256 CPU units", { _tag: "ResizeEcsTask", fromCpuUnits: 1024, toCpuUnits: 256, fromMemoryMiB: 2048, toMemoryMiB: 512 }, 4],
    ["unknown type predicts no rise", { _tag: "ResizeInstance", fromType: "zz9.huge", toType: "m5.large" }, 1],
    ["gp2 -> gp3 predicts no rise", { _tag: "ModifyVolume", fromType: "gp2", toType: "gp3" }, 1]
  ]
  for (const [name, action, rise] of cases) {
    it(name, () => expect(expectedRiseFor(action, shipped)).toBe(rise))
  }
})
