/**
 * What the machine allows before any of our code runs: the same number of
 * calls, at the same in-flight cap, against the same sandbox with the same
 * added latency, sent by one bare SDK client (STS GetCallerIdentity, the
 * smallest request and answer there is) with no Effect, no retry policy and
 * nothing done with the answers. Discovery cannot beat this walk; its ratio to
 * the floor is the most any client on the AWS SDK gets here.
 */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts"
import { Effect } from "effect"
import { Agent } from "node:http"

export interface BaselineRun {
  readonly seconds: number
  readonly cpuSeconds: number
  /** Round trips as the caller saw them, in ms: median and 90th percentile. */
  readonly p50: number
  readonly p90: number
}

export const bareSdkWalk = (calls: number, cap: number): Effect.Effect<BaselineRun> =>
  Effect.promise(async () => {
    // Keep-alive with no socket limit, as aws-runtime's pool (the SDK's default agent stops at 50 sockets).
    // Keep-alive with no socket limit, as aws-runtime's pool (the SDK's default agent stops at 50 sockets).
    const agent = new Agent({ keepAlive: true })
    // Region, endpoint (AWS_ENDPOINT_URL) and credentials come from the environment the sandbox set.
    const client = new STSClient({ requestHandler: { httpAgent: agent } })
    const send = () => client.send(new GetCallerIdentityCommand({}))
    // Connections and the SDK's code warmed first, as discovery's warm-up does for it.
    await Promise.all(Array.from({ length: cap }, send))
    const trips: Array<number> = []
    let next = 0
    const worker = async () => {
      while (next < calls) {
        next++
        const t = performance.now()
        await send()
        trips.push(performance.now() - t)
      }
    }
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    await Promise.all(Array.from({ length: cap }, worker))
    const seconds = (performance.now() - t0) / 1000
    const cpu = process.cpuUsage(cpu0)
    client.destroy()
    agent.destroy()
    trips.sort((a, b) => a - b)
    const at = (q: number) => trips[Math.min(trips.length - 1, Math.floor(q * trips.length))] ?? 0
    return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, p50: at(0.5), p90: at(0.9) }
  })
