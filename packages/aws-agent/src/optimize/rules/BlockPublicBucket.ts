/** Turn on all four S3 public access blocks of a bucket θ1 found public; the inverse restores the old block (or none). */
import { PublicAccessBlock } from "@miyabi/types"
import { change, optimizeRule, type Proposal } from "../RuleKit.js"
import { findingsOn, worstSeverity } from "./SecurityKit.js"

export const blockPublicBucket = optimizeRule("security.block-public-bucket", "Turn on all four public access blocks of a bucket", ["security.public-bucket"], (r, ctx): ReadonlyArray<Proposal> => {
  const d = r.details
  const fs = findingsOn(r, ctx, ["security.public-bucket"])
  if (d._tag !== "s3-bucket" || fs.length === 0) return []
  const all = PublicAccessBlock.make({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true })
  return [
    change(blockPublicBucket, r, ctx, {
      summary: `${r.id}: block all public access${d.publicByPolicy ? " (public by policy today: a public website would stop serving)" : ""}`,
      action: { _tag: "PutPublicAccessBlock", configuration: all },
      rollback: d.publicAccessBlock === undefined ? { _tag: "DeletePublicAccessBlock" } : { _tag: "PutPublicAccessBlock", configuration: d.publicAccessBlock },
      savings: 0,
      ...worstSeverity(fs),
      risk: d.publicByPolicy ? "high" : "low",
      evidence: { publicByPolicy: d.publicByPolicy, publicAccessBlock: d.publicAccessBlock === undefined ? "none" : "partial" }
    })
  ]
})
