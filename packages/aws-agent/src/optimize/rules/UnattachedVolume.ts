/**
 * Unattached volumes: snapshot, then delete. The snapshot is kept (and
 * billed, about half of gp2's price per GiB, on the used blocks) so the
 * volume can be restored; savings count the snapshot as if full.
 */
import { change, optimizeRule, type Proposal, usd } from "../RuleKit.js"

/** EBS snapshot standard tier per GiB-month (us-east-1); the shipped catalog does not price snapshots. */
export const SNAPSHOT_GB_MONTH = 50_000

/** θ4 replaces this with the id of the snapshot it took, before deleting. */
export const pendingSnapshotId = (volumeId: string): string => `pending-snapshot-of:${volumeId}`

export const unattachedVolume = optimizeRule("cost.delete-unattached-volume", "Snapshot then delete a volume attached to nothing", ["cost.unattached-volume"], (r, ctx): ReadonlyArray<Proposal> => {
  const d = r.details
  if (d._tag !== "ebs-volume" || d.awsState !== "available") return []
  const savings = r.monthlyCost - d.sizeGiB * SNAPSHOT_GB_MONTH
  if (savings <= 0) return []
  return [
    change(unattachedVolume, r, ctx, {
      summary: `${r.id} (${d.volumeType}, ${d.sizeGiB} GiB) is attached to nothing: snapshot and delete, saves ${usd(savings)}/month`,
      action: { _tag: "SnapshotAndDeleteVolume", snapshotDescription: `miyabi: ${r.id} before deletion (${d.volumeType}, ${d.sizeGiB} GiB)` },
      rollback: { _tag: "RestoreVolumeFromSnapshot", snapshotId: pendingSnapshotId(r.id), volumeType: d.volumeType },
      savings,
      risk: "medium",
      evidence: { state: d.awsState, volumeType: d.volumeType, sizeGiB: d.sizeGiB, snapshotMonthlyCost: d.sizeGiB * SNAPSHOT_GB_MONTH }
    })
  ]
})
