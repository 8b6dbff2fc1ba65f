// A test executor speaking JSON-RPC 2.0 over stdio (SPEC's execute_phase).
// The mode is the first argument: ok, aws, auth, rate, timeout, unknown-code,
// malformed, not-rpc, no-result, wrong-id, hang, crash, silent-exit;
// agent-monitor answers as the agent cycle's monitor phase (no observation,
// a note naming the world it was given).
import { createInterface } from "node:readline"

const mode = process.argv[2] ?? "ok"
const codes = { aws: -32000, auth: -32001, rate: -32002, timeout: -32003, "unknown-code": -32099 }
const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`)

const lines = createInterface({ input: process.stdin })
lines.on("line", (line) => {
  const request = JSON.parse(line)
  const { id, method, params } = request
  if (mode === "hang") {
    process.stderr.write(`pid=${process.pid}\n`)
    setInterval(() => {}, 1000)
    return
  }
  if (mode === "crash") {
    process.stderr.write("executor: boom while reading the world\n")
    process.exit(3)
  }
  if (mode === "silent-exit") {
    process.exit(0)
  }
  if (mode === "malformed") {
    process.stdout.write("this is not json\n")
    return
  }
  if (mode === "no-result") {
    send({ jsonrpc: "2.0", id })
    return
  }
  if (mode === "not-rpc") {
    send({ id, answer: 42 })
    return
  }
  if (method !== "execute_phase") {
    send({ jsonrpc: "2.0", id, error: { code: -32601, message: `no method ${method}` } })
    return
  }
  if (mode in codes) {
    send({ jsonrpc: "2.0", id, error: { code: codes[mode], message: `${mode} failure in ${params.phase}`, data: { mode } } })
    return
  }
  if (mode === "agent-monitor") {
    const resources = Array.isArray(params.context.world_state?.resources) ? params.context.world_state.resources.length : 0
    send({ jsonrpc: "2.0", id, result: { observation: null, note: `watched by the external executor: ${resources} resources, dry run ${params.config.dry_run}` } })
    return
  }
  if (mode === "wrong-id") {
    send({ jsonrpc: "2.0", id: "someone-else", result: { ignored: true } })
  }
  process.stderr.write("executor: working\n")
  send({
    jsonrpc: "2.0",
    id,
    result: {
      phase: params.phase,
      region: params.config.aws_region,
      dryRun: params.config.dry_run,
      profile: params.config.profile ?? null,
      worldResources: Array.isArray(params.context.world_state?.resources) ? params.context.world_state.resources.length : null,
      previous: params.context.previous_output
    }
  })
})

