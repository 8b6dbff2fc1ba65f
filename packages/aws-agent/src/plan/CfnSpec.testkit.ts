/**
 * A checker of CloudFormation resources against the CloudFormation resource
 * specification (@aws-cdk/aws-service-spec): types, properties, nested
 * property types, required properties, primary identifiers. For tests.
 */
import { loadAwsServiceSpec } from "@aws-cdk/aws-service-spec"

type SpecDb = Awaited<ReturnType<typeof loadAwsServiceSpec>>
interface SpecProperty {
  readonly type: SpecType
  readonly required?: boolean
}
type SpecType =
  | { readonly type: "string"; readonly allowedValues?: ReadonlyArray<string> }
  | { readonly type: "number" | "integer" | "boolean" | "json" | "tag" | "date-time" | "null" }
  | { readonly type: "ref"; readonly reference: { readonly $ref: string } }
  | { readonly type: "array" | "map"; readonly element: SpecType }
  | { readonly type: "union"; readonly types: ReadonlyArray<SpecType> }

const isIntrinsic = (v: unknown): boolean => typeof v === "object" && v !== null && Object.keys(v).length === 1 && /^(Ref|Fn::)/.test(Object.keys(v)[0] ?? "")

const checkProperties = (db: SpecDb, props: Readonly<Record<string, SpecProperty>>, value: unknown, path: string): ReadonlyArray<string> => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${path}: expected an object`]
  const errors: Array<string> = []
  for (const [k, v] of Object.entries(value)) {
    const p = props[k]
    if (p === undefined) errors.push(`${path}.${k}: no such property`)
    else errors.push(...checkValue(db, p.type, v, `${path}.${k}`))
  }
  for (const [k, p] of Object.entries(props)) if (p.required === true && !(k in value)) errors.push(`${path}.${k}: required`)
  return errors
}

const checkValue = (db: SpecDb, t: SpecType, v: unknown, path: string): ReadonlyArray<string> => {
  if (isIntrinsic(v)) return []
  switch (t.type) {
    case "string":
      return typeof v !== "string" ? [`${path}: expected a string`] : t.allowedValues !== undefined && !t.allowedValues.includes(v) ? [`${path}: ${v} not allowed`] : []
    case "number":
    case "integer":
      return typeof v === "number" ? [] : [`${path}: expected a number`]
    case "boolean":
      return typeof v === "boolean" ? [] : [`${path}: expected a boolean`]
    case "tag":
      return typeof v === "object" && v !== null && "Key" in v && "Value" in v ? [] : [`${path}: expected a tag`]
    case "ref": {
      const def = db.get("typeDefinition", t.reference.$ref) as unknown as { properties: Record<string, SpecProperty> }
      return checkProperties(db, def.properties, v, path)
    }
    case "array":
      return Array.isArray(v) ? v.flatMap((e, i) => checkValue(db, t.element, e, `${path}[${i}]`)) : [`${path}: expected an array`]
    case "map":
      return typeof v === "object" && v !== null ? Object.entries(v).flatMap(([k, e]) => checkValue(db, t.element, e, `${path}.${k}`)) : [`${path}: expected a map`]
    case "union":
      return t.types.some((u) => checkValue(db, u, v, path).length === 0) ? [] : [`${path}: matches no member of the union`]
    default:
      return []
  }
}

const specOf = (db: SpecDb, type: string) => {
  const found = db.lookup("resource", "cloudFormationType", "equals", type)
  return found.length === 1 ? (found[0] as unknown as { properties: Record<string, SpecProperty>; primaryIdentifier?: ReadonlyArray<string> }) : undefined
}

const validate = (db: SpecDb, resources: Readonly<Record<string, { Type: string; Properties: Record<string, unknown> }>>): ReadonlyArray<string> =>
  Object.entries(resources).flatMap(([id, r]) => {
    const spec = specOf(db, r.Type)
    return spec === undefined ? [`${id}: unknown type ${r.Type}`] : checkProperties(db, spec.properties, r.Properties, `${id}(${r.Type})`)
  })

export interface CfnSpec {
  /** Problems of each resource against the spec; empty when valid. */
  readonly validate: (resources: Readonly<Record<string, { readonly Type: string; readonly Properties: Record<string, unknown> }>>) => ReadonlyArray<string>
  readonly primaryIdentifier: (type: string) => ReadonlyArray<string> | undefined
}

/** Loads the spec database (about 2 s). */
export const loadCfnSpec = async (): Promise<CfnSpec> => {
  const db = await loadAwsServiceSpec()
  return { validate: (resources) => validate(db, resources), primaryIdentifier: (type) => specOf(db, type)?.primaryIdentifier }
}
