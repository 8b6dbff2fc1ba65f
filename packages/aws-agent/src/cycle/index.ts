/**
 * The agent cycle: θ1..θ6 run by a runner that persists each phase's output
 * (resumable, auditable), World∞ detection, and external phase executors
 * (JSON-RPC 2.0 over stdio).
 *
 *   AgentCycle.start(options, env)            -> one cycle World_n -> World_n+1 (dry run unless options.approvedBy)
 *   AgentCycle.resume(cycleId, env)           -> continues a stored cycle from its last completed phase
 *   AgentCycle.report(cycleId)                -> the typed input and outputs of a stored cycle
 *   AgentCycle.carriedOver                    -> what the newest completed cycle leaves the next (rule stats, World∞ marks)
 *   AgentPhases.agentPhases(env)              the six phases, for CycleRunner
 *   AgentCycleTask.kind / Payload / run / awsLayer / isTransient   the worker's `aws-cycle` task
 *   CycleReport.renderCycleMarkdown(report)   the cycle as Markdown
 *   WorldInfinity.worldInfinity(world0, marks, criteria?) -> InfinityVerdict
 *   CycleRunner.run(cycleId, phases, input)   -> Effect<CycleResult, CycleError | CycleStoreError, R | CycleStore>
 *   CycleRunner.resume(cycleId, phases)       -> same; stored phases are not run again
 *   CycleRunner.externalPhase(name, executor, config, worldFrom?) -> Phase<PhaseExecutorError>
 *   CycleRunner.worldDelta(before, after)     -> WorldDelta (World_n -> World_n+1)
 *   CycleStore.CycleStore (tag), layerMemory, layerFile(dir)
 *   PhaseExecutor.execute(executor, params)   -> Effect<unknown, PhaseExecutorError>
 */
export * as AgentCycle from "./AgentCycle.js"
export * as AgentCycleData from "./AgentCycleData.js"
export * as AgentPhases from "./AgentPhases.js"
export * as CycleReport from "./CycleReport.js"
export * as WorldInfinity from "./WorldInfinity.js"
export * as CycleRunner from "./CycleRunner.js"
export * as CycleStore from "./CycleStore.js"
export * as PhaseExecutor from "./PhaseExecutor.js"
export * as JsonRpc from "./JsonRpc.js"
export * as AgentCycleTask from "./AgentCycleTask.js"
