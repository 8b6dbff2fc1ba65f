/**
 * ULID-like task ids: 10 characters of time then 16 random characters, in
 * Crockford's base 32, so that ids sort roughly by creation time and never
 * collide between processes writing the same store.
 */
import { randomBytes } from "node:crypto"
import { TaskId } from "@miyabi/types"

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

export const newTaskId = (nowMs: number): TaskId => {
  let time = ""
  let rest = Math.max(0, Math.floor(nowMs))
  for (let i = 0; i < 10; i++) {
    time = ALPHABET.charAt(rest % 32) + time
    rest = Math.floor(rest / 32)
  }
  let random = ""
  for (const byte of randomBytes(16)) random += ALPHABET.charAt(byte % 32)
  return TaskId.make(time + random)
}

/** An opaque lease token. */
export const newLeaseToken = (): string => randomBytes(12).toString("base64url")
