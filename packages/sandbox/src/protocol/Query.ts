/**
 * awsQuery (STS, RDS) and ec2Query: form-encoded requests with `Action=`,
 * XML responses. The two differ in list members (`member` vs `item`), in the
 * envelope (`<XResult>` + `<ResponseMetadata>` vs a bare `<requestId>`) and
 * in the error document.
 */
import type { AwsError, RawResponse } from "../ServiceHandler.js"
import { faultType } from "../ServiceHandler.js"
import { escapeXml, XML_DECLARATION, xmlContent } from "./Xml.js"

type Tree = { [key: string]: Tree | string }

const toValue = (node: Tree | string): unknown => {
  if (typeof node === "string") return node
  const keys = Object.keys(node)
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => toValue(node[String(k)] as Tree | string))
  }
  return Object.fromEntries(keys.map((k) => [k, toValue(node[k] as Tree | string)]))
}

/**
 * Un-flattens form parameters: `Tags.member.1.Key=a` -> `{ Tags: [{ Key: "a" }] }`,
 * `InstanceId.1=i-1` -> `{ InstanceId: ["i-1"] }`. `Action` and `Version` are dropped.
 */
export const parseQueryParams = (params: URLSearchParams): Record<string, unknown> => {
  const root: Tree = {}
  for (const [key, value] of params) {
    if (key === "Action" || key === "Version") continue
    const segments = key.split(".").filter((s) => s !== "member" && s !== "item" && s !== "entry")
    let node = root
    segments.forEach((segment, i) => {
      if (i === segments.length - 1) {
        node[segment] = value
      } else {
        const next = node[segment]
        if (typeof next === "object") node = next
        else {
          const created: Tree = {}
          node[segment] = created
          node = created
        }
      }
    })
  }
  return toValue(root) as Record<string, unknown>
}

const xmlHeaders = (requestId: string): Record<string, string> => ({
  "content-type": "text/xml",
  "x-amzn-requestid": requestId
})

/** `<XResponse xmlns><XResult>...</XResult><ResponseMetadata><RequestId/></ResponseMetadata></XResponse>` */
export const queryResponse = (namespace: string, operation: string, requestId: string, output: Record<string, unknown>): RawResponse => {
  const result = Object.keys(output).length === 0 ? "" : `<${operation}Result>${xmlContent(output, "member")}</${operation}Result>`
  return {
    status: 200,
    headers: xmlHeaders(requestId),
    body: `${XML_DECLARATION}<${operation}Response xmlns="${namespace}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`
  }
}

export const queryError = (namespace: string, requestId: string, error: AwsError): RawResponse => ({
  status: error.status,
  headers: xmlHeaders(requestId),
  body: `${XML_DECLARATION}<ErrorResponse xmlns="${namespace}"><Error><Type>${faultType(error)}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>${xmlContent(error.fields ?? {}, "member")}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`
})

/** `<XResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId/>...</XResponse>`; keys are EC2's xml names (`reservationSet`). */
export const ec2Response = (namespace: string, operation: string, requestId: string, output: Record<string, unknown>): RawResponse => ({
  status: 200,
  headers: { "content-type": "text/xml;charset=UTF-8" },
  body: `${XML_DECLARATION}<${operation}Response xmlns="${namespace}/"><requestId>${requestId}</requestId>${xmlContent(output, "item")}</${operation}Response>`
})

export const ec2Error = (requestId: string, error: AwsError): RawResponse => ({
  status: error.status,
  headers: { "content-type": "text/xml;charset=UTF-8" },
  body: `${XML_DECLARATION}<Response><Errors><Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
})

/** S3's error document. */
export const restXmlError = (requestId: string, error: AwsError): RawResponse => ({
  status: error.status,
  headers: { "content-type": "application/xml", "x-amz-request-id": requestId, "x-amz-id-2": Buffer.from(requestId).toString("base64") },
  body: `${XML_DECLARATION}<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>${xmlContent(error.fields ?? {}, "member")}<RequestId>${requestId}</RequestId></Error>`
})
