import { describe, expect, it } from "@effect/vitest"
import { sign, verifySignature } from "./WebhookSignature.js"

describe("WebhookSignature", () => {
  // The example from GitHub's documentation on validating webhook deliveries.
  it("matches GitHub's documented example", () => {
    expect(sign("It's a Secret to Everybody", "Hello, World!")).toBe("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
  })

  it("accepts the right signature and rejects missing, malformed and forged ones", () => {
    const body = new TextEncoder().encode('{"action":"opened"}')
    const good = sign("s3cret", body)
    expect(verifySignature("s3cret", body, good)).toBe("valid")
    expect(verifySignature("s3cret", body, good.toUpperCase().replace("SHA256", "sha256"))).toBe("valid")
    expect(verifySignature("s3cret", body, undefined)).toBe("missing")
    expect(verifySignature("s3cret", body, "")).toBe("missing")
    // Whitespace around the header's value is not part of it.
    expect(verifySignature("s3cret", body, "   ")).toBe("missing")
    expect(verifySignature("s3cret", body, ` ${good}\t`)).toBe("valid")
    expect(verifySignature("s3cret", body, good.replace("sha256=", "sha1="))).toBe("malformed")
    expect(verifySignature("s3cret", body, good.slice(0, -2))).toBe("malformed")
    expect(verifySignature("s3cret", body, `${good}00`)).toBe("malformed")
    expect(verifySignature("other", body, good)).toBe("mismatch")
    expect(verifySignature("s3cret", new TextEncoder().encode('{"action":"opened" }'), good)).toBe("mismatch")
  })
})
