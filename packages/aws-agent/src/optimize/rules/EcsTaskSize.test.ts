import { describe, expect, it } from "@effect/vitest"
import { changesOf, proposals, service } from "../World.testkit.js"
import { ecsTaskSize, TASK_SIZES } from "./EcsTaskSize.js"

describe("EcsTaskSize", () => {
  it("uses the SPEC task sizes", () => {
    expect(TASK_SIZES.map((s) => [s.cpuUnits / 1024, s.memoryMiB / 1024])).toEqual([[0.25, 0.5], [0.5, 1], [1, 2], [2, 4], [4, 8]])
  })

  it.each([
    // [case, cpu units, MiB, peak %, p95 % (undefined: peak stands in), memory %, expected size]
    ["xl at 10 % peak, p95 unknown -> medium (p95 taken as the peak: 40 % after)", 4096, 8192, 10, undefined, 15, "medium"],
    ["xl at 10 % peak, p95 5 %, memory 8 % -> standard (peak 80 %, p95 40 %, memory 64 % after)", 4096, 8192, 10, 5, 8, "standard"],
    ["the same at memory 15 % -> medium (1.2 GiB used needs more than 1 GiB with headroom)", 4096, 8192, 10, 5, 15, "medium"],
    ["heavy at 30 % peak, 20 % memory -> medium (60 % after)", 2048, 4096, 30, undefined, 20, "medium"],
    ["heavy at 50 % peak -> no smaller size keeps the headroom", 2048, 4096, 50, undefined, 20, undefined],
    ["xl without a memory metric keeps 8 GiB: nothing smaller", 4096, 8192, 10, undefined, undefined, undefined]
  ] as const)("%s", (_, cpu, memory, peak, p95, memoryPercent, expected) => {
    const ps = proposals(ecsTaskSize, [service("svc", cpu, memory, { avg: peak / 2, peak, ...(memoryPercent === undefined ? {} : { memory: memoryPercent }) })], {}, p95)
    const changes = changesOf(ps)
    if (expected === undefined) return expect(changes).toEqual([])
    const size = TASK_SIZES.find((s) => s.name === expected)!
    expect(changes[0]?.action).toEqual({ _tag: "ResizeEcsTask", fromCpuUnits: cpu, toCpuUnits: size.cpuUnits, fromMemoryMiB: memory, toMemoryMiB: size.memoryMiB })
    expect(changes[0]?.rollback).toEqual({ _tag: "ResizeEcsTask", fromCpuUnits: size.cpuUnits, toCpuUnits: cpu, fromMemoryMiB: size.memoryMiB, toMemoryMiB: memory })
  })
})
