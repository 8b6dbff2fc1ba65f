/** Make a publicly accessible database private; clients outside the VPC lose their connection, so the risk is medium. */
import { change, optimizeRule, type Proposal } from "../RuleKit.js"
import { findingsOn, worstSeverity } from "./SecurityKit.js"

export const privateDatabase = optimizeRule("security.private-database", "Make a publicly accessible database private", ["security.public-database"], (r, ctx): ReadonlyArray<Proposal> => {
  const d = r.details
  const fs = findingsOn(r, ctx, ["security.public-database"])
  if (d._tag !== "rds-instance" || fs.length === 0 || !d.publiclyAccessible) return []
  return [
    change(privateDatabase, r, ctx, {
      summary: `${r.id} (${d.engine}): turn off public accessibility`,
      action: { _tag: "SetDbPubliclyAccessible", publiclyAccessible: false },
      rollback: { _tag: "SetDbPubliclyAccessible", publiclyAccessible: true },
      savings: 0,
      ...worstSeverity(fs),
      risk: "medium",
      evidence: { publiclyAccessible: true, engine: d.engine }
    })
  ]
})
