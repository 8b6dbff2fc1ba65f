/** Default SSE-S3 encryption for a bucket without any; existing objects stay as written until rewritten. */
import { change, optimizeRule, type Proposal } from "../RuleKit.js"
import { findingsOn, worstSeverity } from "./SecurityKit.js"

export const encryptBucket = optimizeRule("security.encrypt-bucket", "Default SSE-S3 encryption on a bucket without any", ["security.unencrypted-bucket"], (r, ctx): ReadonlyArray<Proposal> => {
  const d = r.details
  const fs = findingsOn(r, ctx, ["security.unencrypted-bucket"])
  if (d._tag !== "s3-bucket" || fs.length === 0 || d.encryption !== "none") return []
  return [
    change(encryptBucket, r, ctx, {
      summary: `${r.id}: default encryption SSE-S3 (AES256) for new objects`,
      action: { _tag: "SetBucketEncryption", algorithm: "AES256" },
      rollback: { _tag: "SetBucketEncryption", algorithm: "none" },
      savings: 0,
      ...worstSeverity(fs),
      risk: "low",
      evidence: { encryption: "none", caveat: "existing objects stay as they are until rewritten" }
    })
  ]
})
