/**
 * `miyabi sandbox up` as users run it: the printed endpoint and keys work for
 * the real AWS SDK, and SIGTERM stops it cleanly (exit 0).
 */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts"
import { afterEach, beforeAll, describe, expect, it } from "vitest"
import { assertBuilt, miyabi, startForeground, stopAll } from "./testing/BuiltCli.js"

beforeAll(assertBuilt)
afterEach(stopAll)

interface UpJson {
  readonly endpoint: string
  readonly accountId: string
  readonly env: Record<string, string>
}

describe("miyabi sandbox up (built)", () => {
  it("prints the environment as JSON, serves STS GetCallerIdentity through the SDK, and exits 0 on SIGTERM", async () => {
    const up = startForeground(["sandbox", "up", "--size", "tiny", "--seed", "7", "--port", "0", "--json"], "\n}\n")
    const printed = JSON.parse(await up.ready) as UpJson
    expect(Object.keys(printed.env).sort()).toEqual(["AWS_ACCESS_KEY_ID", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_SECRET_ACCESS_KEY"])
    expect(printed.env["AWS_ENDPOINT_URL"]).toBe(printed.endpoint)
    expect(printed.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

    const sts = new STSClient({
      endpoint: printed.env["AWS_ENDPOINT_URL"]!,
      region: printed.env["AWS_REGION"]!,
      credentials: { accessKeyId: printed.env["AWS_ACCESS_KEY_ID"]!, secretAccessKey: printed.env["AWS_SECRET_ACCESS_KEY"]! },
      maxAttempts: 1
    })
    const identity = await sts.send(new GetCallerIdentityCommand({}))
    sts.destroy()
    expect(identity.Account).toBe(printed.accountId)

    up.child.kill("SIGTERM")
    expect(await up.exited).toBe(0)
    expect(up.stderr()).toContain("SIGTERM, stopping")
    // Stopped means the port no longer answers.
    await expect(fetch(printed.endpoint)).rejects.toThrow()
  })

  it("prints export lines for a shell without --json", async () => {
    const up = startForeground(["sandbox", "up", "--size", "tiny"], "export AWS_REGION=")
    const text = await up.ready
    const lines = text.split("\n").filter((line) => line.startsWith("export "))
    expect(lines.map((line) => line.slice(7, line.indexOf("=")))).toEqual(["AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"])
    up.child.kill("SIGINT")
    expect(await up.exited).toBe(0)
  })

  it("rejects an unknown size with a usage error (exit 2)", () => {
    expect(miyabi(["sandbox", "up", "--size", "huge"]).code).toBe(2)
  })
})
