/**
 * The bucket configurations a security fix writes, as S3 takes them: the
 * public access block (PUT/DELETE `?publicAccessBlock`) and default
 * encryption (PUT/DELETE `?encryption`). Since January 2023 every bucket is
 * encrypted: DeleteBucketEncryption resets the default to SSE-S3 (AES256),
 * it does not leave the bucket unencrypted.
 */
import type { Bucket, PublicAccessBlock } from "../../estate/Bucket.js"
import { type AwsError, awsError } from "../../ServiceHandler.js"

const element = (xml: string, name: string): string | undefined => new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml)?.[1]?.trim()

const malformed = (): AwsError => awsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")

/** A PutPublicAccessBlock body; absent flags are false, as S3 stores them. */
export const parsePublicAccessBlock = (xml: string): PublicAccessBlock | AwsError => {
  if (!xml.includes("<PublicAccessBlockConfiguration")) return malformed()
  const flag = (name: string): boolean | "bad" => {
    const v = element(xml, name)
    return v === undefined || v === "false" ? false : v === "true" ? true : "bad"
  }
  const [blockPublicAcls, ignorePublicAcls, blockPublicPolicy, restrictPublicBuckets] = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"].map(flag)
  if (typeof blockPublicAcls !== "boolean" || typeof ignorePublicAcls !== "boolean" || typeof blockPublicPolicy !== "boolean" || typeof restrictPublicBuckets !== "boolean") return malformed()
  return { blockPublicAcls, ignorePublicAcls, blockPublicPolicy, restrictPublicBuckets }
}

/** A PutBucketEncryption body: one rule with SSEAlgorithm AES256 or aws:kms (the estate models those two). */
export const parseEncryption = (xml: string): "AES256" | "aws:kms" | AwsError => {
  if (!xml.includes("<ServerSideEncryptionConfiguration")) return malformed()
  const algorithm = element(xml, "SSEAlgorithm")
  if (algorithm === "AES256" || algorithm === "aws:kms") return algorithm
  if (algorithm === "aws:kms:dsse") return awsError("NotImplemented", "The sandbox models AES256 and aws:kms default encryption only", { status: 501 })
  return malformed()
}

export const putPublicAccessBlock = (bucket: Bucket, body: string): AwsError | undefined => {
  const parsed = parsePublicAccessBlock(body)
  if (!("blockPublicAcls" in parsed)) return parsed
  bucket.publicAccessBlock = parsed
  return undefined
}

/** Deleting a configuration that is not there succeeds (204), as on S3. */
export const deletePublicAccessBlock = (bucket: Bucket): void => {
  delete bucket.publicAccessBlock
}

export const putEncryption = (bucket: Bucket, body: string): AwsError | undefined => {
  const parsed = parseEncryption(body)
  if (typeof parsed !== "string") return parsed
  bucket.encryption = parsed
  return undefined
}

export const deleteEncryption = (bucket: Bucket): void => {
  bucket.encryption = "AES256"
}
