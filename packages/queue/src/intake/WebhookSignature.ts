/**
 * GitHub webhook signatures: `X-Hub-Signature-256: sha256=<hex>`, the
 * HMAC-SHA256 of the raw request body under the webhook secret. Compared in
 * constant time, so response timing does not leak how much of a forged
 * signature was right.
 */
import { createHmac, timingSafeEqual } from "node:crypto"

export type SignatureCheck = "valid" | "missing" | "malformed" | "mismatch"

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/

/** The header value GitHub would send for this body (for tests and tools). */
export const sign = (secret: string, body: Uint8Array | string): string =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`

/** Checks a signature header against the raw body bytes (never a re-serialized JSON). */
export const verifySignature = (secret: string, body: Uint8Array, header: string | undefined): SignatureCheck => {
  if (header === undefined || header.trim() === "") return "missing"
  const match = SIGNATURE.exec(header.trim())
  if (match === null) return "malformed"
  const expected = createHmac("sha256", secret).update(body).digest()
  const given = Buffer.from(match[1]!, "hex")
  // Both are 32 bytes here: the pattern admits only 64 hex digits.
  return timingSafeEqual(expected, given) ? "valid" : "mismatch"
}
