import { describe, expect, it } from "vitest"
import { makeCredentialStore } from "./Credentials.js"

describe("Credentials", () => {
  it("resolves the management key, issued keys and keys that only encode an account", () => {
    const store = makeCredentialStore("111111111111")
    expect(store.resolve(store.management.accessKeyId)).toMatchObject({ accountId: "111111111111", arn: "arn:aws:iam::111111111111:root" })
    const issued = store.issue("222222222222", "Admin", "s1")
    expect(issued.accessKeyId).toMatch(/^ASIA222222222222[A-Z2-7]{4}$/)
    expect(store.resolve(issued.accessKeyId).arn).toBe("arn:aws:sts::222222222222:assumed-role/Admin/s1")
    expect(store.issue("222222222222", "Admin", "s2").accessKeyId).not.toBe(issued.accessKeyId)
    // A key from an earlier sandbox run still acts for the account it names.
    expect(makeCredentialStore("111111111111").resolve(issued.accessKeyId).accountId).toBe("222222222222")
    expect(store.resolve("AKIAIOSFODNN7EXAMPLE").accountId).toBe("111111111111")
  })
})
