/**
 * The agent cycle: external phase executors (JSON-RPC 2.0 over stdio).
 *
 *   PhaseExecutor.execute(executor, params) -> Effect<unknown, PhaseExecutorError>
 */
export * as PhaseExecutor from "./PhaseExecutor.js"
export * as JsonRpc from "./JsonRpc.js"
