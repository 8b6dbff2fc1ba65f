/**
 * gp2 -> gp3. gp3 has a flat baseline of 3,000 IOPS and 125 MiB/s; gp2 gives
 * 3 IOPS per GiB (min 100, max 16,000) and up to 250 MiB/s above 170 GiB.
 * For a large gp2 the gp3 target provisions the same IOPS and throughput, so
 * performance never drops, and the extra provisioning is priced in.
 */
import { EbsVolumeDetails } from "@miyabi/types"
import { change, costWith, optimizeRule, type Proposal, usd } from "../RuleKit.js"

export const GP3_BASELINE_IOPS = 3000
export const GP3_BASELINE_MIBPS = 125
/** gp3 throughput above the baseline per MiB/s-month (us-east-1); the shipped catalog does not price it. */
export const GP3_THROUGHPUT_MIBPS_MONTH = 40_000

export const gp2BaselineIops = (sizeGiB: number): number => Math.min(16_000, Math.max(100, 3 * sizeGiB))
/**
 * gp2 throughput: 128 MiB/s up to 170 GiB (within 3 % of gp3's 125, which
 * AWS's migration guidance treats as equal), 250 MiB/s above (from 334 GiB
 * sustained, in between on burst credits: provisioned as 250 to be safe).
 */
export const gp2MaxMiBps = (sizeGiB: number): number => (sizeGiB <= 170 ? GP3_BASELINE_MIBPS : 250)

export const gp2ToGp3 = optimizeRule("cost.gp2-to-gp3", "A gp2 volume moved to gp3 with at least the same IOPS and throughput", ["cost.gp2-volume"], (r, ctx): ReadonlyArray<Proposal> => {
  const d = r.details
  if (d._tag !== "ebs-volume" || d.volumeType !== "gp2") return []
  const iops = Math.max(GP3_BASELINE_IOPS, gp2BaselineIops(d.sizeGiB))
  const throughput = Math.max(GP3_BASELINE_MIBPS, gp2MaxMiBps(d.sizeGiB))
  const now = costWith(ctx.catalog, r, d)
  const next =
    costWith(ctx.catalog, r, EbsVolumeDetails.make({ ...d, volumeType: "gp3", iops, throughputMiBps: throughput })) +
    (throughput - GP3_BASELINE_MIBPS) * GP3_THROUGHPUT_MIBPS_MONTH
  const savings = now - next
  if (savings <= 0) return []
  const large = iops > GP3_BASELINE_IOPS || throughput > GP3_BASELINE_MIBPS
  return [
    change(gp2ToGp3, r, ctx, {
      summary: `${r.id}: gp2 -> gp3 (${d.sizeGiB} GiB${large ? `, ${iops} IOPS, ${throughput} MiB/s provisioned to match gp2` : ""}) saves ${usd(savings)}/month`,
      action: { _tag: "ModifyVolume", fromType: "gp2", toType: "gp3", iops, throughputMiBps: throughput },
      rollback: { _tag: "ModifyVolume", fromType: "gp3", toType: "gp2" },
      savings,
      // Online, no detach; but EBS allows one modification per volume per 6 hours, so a rollback waits.
      risk: "low",
      evidence: {
        sizeGiB: d.sizeGiB,
        gp2BaselineIops: gp2BaselineIops(d.sizeGiB),
        gp3Iops: iops,
        gp3ThroughputMiBps: throughput,
        caveat: large
          ? `gp3's baseline is ${GP3_BASELINE_IOPS} IOPS / ${GP3_BASELINE_MIBPS} MiB/s; this volume needs more, provisioned explicitly`
          : "one modification per 6 hours: a rollback must wait for the optimizing state to end"
      }
    })
  ]
})
