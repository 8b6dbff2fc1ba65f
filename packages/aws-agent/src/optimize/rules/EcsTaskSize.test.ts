import { describe, expect, it } from "@effect/vitest"
import { EcsServiceDetails, Resource } from "@miyabi/types"
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
    ["xl without a memory metric keeps 8 GiB: nothing smaller", 4096, 8192, 10, undefined, undefined, undefined],
    // A p95 statistic above the peak (another series) is capped at the peak: 10 % -> 40 % on 1 vCPU, so medium, not heavy.
    ["xl at 10 % peak with a p95 statistic of 30 % -> medium", 4096, 8192, 10, 30, 15, "medium"],
    // Same CPU, less memory: 1 vCPU / 8 GiB at 10 % memory (0.8 GiB used, 1 GiB with headroom) -> medium's 1 vCPU / 2 GiB.
    ["1 vCPU / 8 GiB at 60 % peak, 10 % memory -> medium (same CPU, less memory)", 1024, 8192, 60, undefined, 10, "medium"],
    // 0.5 vCPU / 8 GiB at 15 % memory needs 1.5 GiB: only medium (1 vCPU) or larger would hold it, and the rule never adds CPU.
    ["0.5 vCPU / 8 GiB at 15 % memory -> nothing (medium would add CPU)", 512, 8192, 10, undefined, 15, undefined]
  ] as const)("%s", (_, cpu, memory, peak, p95, memoryPercent, expected) => {
    const ps = proposals(ecsTaskSize, [service("svc", cpu, memory, { avg: peak / 2, peak, ...(memoryPercent === undefined ? {} : { memory: memoryPercent }) })], {}, p95)
    const changes = changesOf(ps)
    if (expected === undefined) return expect(changes).toEqual([])
    const size = TASK_SIZES.find((s) => s.name === expected)!
    expect(changes[0]?.action).toEqual({ _tag: "ResizeEcsTask", fromCpuUnits: cpu, toCpuUnits: size.cpuUnits, fromMemoryMiB: memory, toMemoryMiB: size.memoryMiB })
    expect(changes[0]?.rollback).toEqual({ _tag: "ResizeEcsTask", fromCpuUnits: size.cpuUnits, toCpuUnits: cpu, fromMemoryMiB: size.memoryMiB, toMemoryMiB: memory })
  })
  it("saves the price difference of every running task", () => {
    // xl (4 vCPU, 8 GB) = 4 x 40,480 + 8 x 4,445 = 197,480 micro-dollars/hour; medium (1, 2) = 49,370.
    // 148,110/hour x 2 tasks x 730 hours = 216,240,600.
    const [c] = changesOf(proposals(ecsTaskSize, [service("svc", 4096, 8192, { avg: 5, peak: 10, memory: 15 })]))
    expect(c?.expectedMonthlySavings).toBe(216_240_600)
  })

  it("says nothing, not even that data is missing, for a service scaled to zero or not on Fargate", () => {
    const base = service("svc", 4096, 8192)
    const withDetails = (patch: Partial<EcsServiceDetails>) => (base.details._tag === "ecs-service" ? Resource.make({ ...base, details: EcsServiceDetails.make({ ...base.details, ...patch }) }) : base)
    expect(proposals(ecsTaskSize, [withDetails({ desiredCount: 0 })])).toEqual([])
    expect(proposals(ecsTaskSize, [withDetails({ launchType: "EC2" })])).toEqual([])
    // On Fargate with tasks running and no metrics, it does say so.
    expect(proposals(ecsTaskSize, [base]).map((p) => (p._tag === "Advice" ? p.advice.reason : p._tag))).toEqual(["insufficient-data"])
  })
})
