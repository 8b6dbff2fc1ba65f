/**
 * Reads (does not verify) a SigV4 signature: who signed, for which region and
 * service. The sandbox trusts loopback callers; the signature only tells it
 * which access key, and so which account, a request acts for.
 */
export interface SigV4Scope {
  readonly accessKeyId: string
  /** "20261127" */
  readonly date: string
  readonly region: string
  /** Signing name: "sts", "monitoring", "s3", ... */
  readonly service: string
}

const parseCredential = (credential: string): SigV4Scope | undefined => {
  const parts = credential.split("/")
  if (parts.length !== 5 || parts[4] !== "aws4_request") return undefined
  const [accessKeyId = "", date = "", region = "", service = ""] = parts
  return accessKeyId === "" ? undefined : { accessKeyId, date, region, service }
}

/** From the `Authorization` header, or from a presigned URL's `X-Amz-Credential`. */
export const parseSigV4 = (
  headers: Readonly<Record<string, string>>,
  query: URLSearchParams
): SigV4Scope | undefined => {
  const authorization = headers["authorization"]
  if (authorization !== undefined) {
    const match = /Credential=([^,\s]+)/.exec(authorization)
    return match?.[1] === undefined ? undefined : parseCredential(match[1])
  }
  const presigned = query.get("X-Amz-Credential")
  return presigned === null ? undefined : parseCredential(presigned)
}
