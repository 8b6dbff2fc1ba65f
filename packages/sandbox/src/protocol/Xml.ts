/**
 * A small XML writer for query, EC2 query and REST-XML responses. Handlers
 * return plain objects; this writes them as the SDK's XML deserializers read
 * them: Dates as ISO 8601, `undefined` omitted (absent, not empty), arrays
 * wrapped with `<member>` (query) or `<item>` (EC2) unless the shape names its
 * members (`XmlList`) or is flattened (`XmlFlat`).
 */

/** A list whose members have a modelled name, e.g. RDS `<DBInstances><DBInstance>`. */
export class XmlList {
  constructor(readonly member: string, readonly items: ReadonlyArray<unknown>) {}
}

/** A flattened list: the items repeat the parent element's name with no wrapper (S3 `<Buckets>` is not; `<Contents>` is). */
export class XmlFlat {
  constructor(readonly items: ReadonlyArray<unknown>) {}
}

/** Text written verbatim (already-escaped XML). */
export class XmlRaw {
  constructor(readonly xml: string) {}
}

export const escapeXml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&apos;"))

/** Writes `value` as the content of an element (without the element itself). */
export const xmlContent = (value: unknown, listMember: string): string => {
  if (value === undefined || value === null) return ""
  if (value instanceof Date) return value.toISOString()
  if (value instanceof XmlRaw) return value.xml
  if (typeof value === "string") return escapeXml(value)
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value)
  if (value instanceof XmlList) return value.items.map((item) => xmlElement(value.member, item, listMember)).join("")
  if (Array.isArray(value)) return value.map((item) => xmlElement(listMember, item, listMember)).join("")
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, child]) => xmlElement(key, child, listMember))
      .join("")
  }
  return ""
}

/** `<name>content</name>`, nothing when `value` is undefined, repeated for `XmlFlat`. */
export const xmlElement = (name: string, value: unknown, listMember: string): string => {
  if (value === undefined || value === null) return ""
  if (value instanceof XmlFlat) return value.items.map((item) => xmlElement(name, item, listMember)).join("")
  return `<${name}>${xmlContent(value, listMember)}</${name}>`
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
