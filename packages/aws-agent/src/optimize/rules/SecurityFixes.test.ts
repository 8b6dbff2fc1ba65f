import { describe, expect, it } from "@effect/vitest"
import { IngressRule } from "@miyabi/types"
import { bucket, changesOf, database, group, proposals } from "../World.testkit.js"
import { blockPublicBucket } from "./BlockPublicBucket.js"
import { encryptBucket } from "./EncryptBucket.js"
import { privateDatabase } from "./PrivateDatabase.js"
import { revokeWorldIngress } from "./RevokeWorldIngress.js"

describe("security fixes", () => {
  it("revokes only the internet part of each exposed permission, one change each, P0 for a database port", () => {
    const changes = changesOf(proposals(revokeWorldIngress, [group("sg-1", [22, 5432])]))
    expect(changes).toHaveLength(2)
    const world = IngressRule.make({ protocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: ["0.0.0.0/0"], ipv6Ranges: [], sourceGroupIds: [] })
    expect(changes[0]?.action).toEqual({ _tag: "RevokeIngress", rule: world })
    expect(changes[0]?.rollback).toEqual({ _tag: "AuthorizeIngress", rule: world })
    expect(new Set(changes.map((c) => c.id)).size).toBe(2)
    expect(changes.every((c) => c.priority === "P0")).toBe(true)
    expect(proposals(revokeWorldIngress, [group("sg-2", [443])])).toEqual([])
  })

  it("blocks a public bucket (inverse removes the block it did not have) and encrypts an unencrypted one", () => {
    const [block] = changesOf(proposals(blockPublicBucket, [bucket("site", { blocked: false })]))
    expect(block?.rollback).toEqual({ _tag: "DeletePublicAccessBlock" })
    expect(block?.priority).toBe("P1")
    const [enc] = changesOf(proposals(encryptBucket, [bucket("plain", { encryption: "none" })]))
    expect(enc?.action).toEqual({ _tag: "SetBucketEncryption", algorithm: "AES256" })
    expect(proposals(encryptBucket, [bucket("fine")])).toEqual([])
  })

  it("makes a public database private", () => {
    const [c] = changesOf(proposals(privateDatabase, [database("db-pub", "db.m5.large", undefined, { publiclyAccessible: true })]))
    expect(c?.action).toEqual({ _tag: "SetDbPubliclyAccessible", publiclyAccessible: false })
    expect(c?.priority).toBe("P0")
  })
})
