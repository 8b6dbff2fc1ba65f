/**
 * The agent cycle: a runner that persists each phase's output (resumable,
 * auditable) and external phase executors (JSON-RPC 2.0 over stdio).
 *
 *   CycleRunner.run(cycleId, phases, input)   -> Effect<CycleResult, CycleError | CycleStoreError, R | CycleStore>
 *   CycleRunner.resume(cycleId, phases)       -> same; stored phases are not run again
 *   CycleRunner.externalPhase(name, executor, config, worldFrom?) -> Phase<PhaseExecutorError>
 *   CycleRunner.worldDelta(before, after)     -> WorldDelta (World_n -> World_n+1)
 *   CycleStore.CycleStore (tag), layerMemory, layerFile(dir)
 *   PhaseExecutor.execute(executor, params)   -> Effect<unknown, PhaseExecutorError>
 */
export * as CycleRunner from "./CycleRunner.js"
export * as CycleStore from "./CycleStore.js"
export * as PhaseExecutor from "./PhaseExecutor.js"
export * as JsonRpc from "./JsonRpc.js"
