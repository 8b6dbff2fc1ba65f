/**
 * S3 lifecycle configuration as XML, both ways. The sandbox keeps the rule
 * fields the platform's storage-tier optimization uses (id, prefix, status,
 * one transition, expiration days); other elements of a PUT are dropped.
 */
import type { LifecycleRule } from "../../estate/Bucket.js"
import { escapeXml } from "../../protocol/Xml.js"

const element = (xml: string, name: string): string | undefined => {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml)
  return match?.[1]
}

const unescape = (text: string): string =>
  text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&")

const days = (xml: string | undefined): number | undefined => {
  const value = xml === undefined ? undefined : element(xml, "Days")
  return value === undefined ? undefined : Number(value)
}

/** Parses a PutBucketLifecycleConfiguration body; `undefined` when it is not a lifecycle document. */
export const parseLifecycle = (xml: string): Array<LifecycleRule> | undefined => {
  if (!xml.includes("<LifecycleConfiguration")) return undefined
  const rules: Array<LifecycleRule> = []
  for (const match of xml.matchAll(/<Rule>([\s\S]*?)<\/Rule>/g)) {
    const rule = match[1] ?? ""
    const filter = element(rule, "Filter")
    const transition = element(rule, "Transition")
    const expiration = element(rule, "Expiration")
    const transitionDays = days(transition)
    const transitionStorageClass = transition === undefined ? undefined : element(transition, "StorageClass")
    const expirationDays = days(expiration)
    rules.push({
      id: unescape(element(rule, "ID") ?? ""),
      prefix: unescape((filter === undefined ? element(rule, "Prefix") : element(filter, "Prefix")) ?? ""),
      status: element(rule, "Status") === "Enabled" ? "Enabled" : "Disabled",
      ...(transitionDays === undefined ? {} : { transitionDays }),
      ...(transitionStorageClass === undefined ? {} : { transitionStorageClass }),
      ...(expirationDays === undefined ? {} : { expirationDays })
    })
  }
  return rules
}

export const lifecycleXml = (rules: ReadonlyArray<LifecycleRule>): string =>
  rules
    .map(
      (r) =>
        `<Rule><ID>${escapeXml(r.id)}</ID><Filter><Prefix>${escapeXml(r.prefix)}</Prefix></Filter><Status>${r.status}</Status>` +
        (r.transitionDays === undefined ? "" : `<Transition><Days>${r.transitionDays}</Days><StorageClass>${r.transitionStorageClass ?? "STANDARD_IA"}</StorageClass></Transition>`) +
        (r.expirationDays === undefined ? "" : `<Expiration><Days>${r.expirationDays}</Days></Expiration>`) +
        `</Rule>`
    )
    .join("")
