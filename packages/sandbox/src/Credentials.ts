/**
 * Access keys -> accounts. The management account's key is fixed; keys from
 * AssumeRole carry the target account in their text (`ASIA` + 12 digits + 4
 * characters) so a request signed with them acts for that account even if
 * the sandbox never saw the key (e.g. across restarts). Unknown keys act for
 * the management account, as a lenient local endpoint should.
 */
import type { Caller } from "./ServiceHandler.js"

export interface IssuedCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken: string
  readonly caller: Caller
}

export interface CredentialStore {
  readonly management: { readonly accessKeyId: string; readonly secretAccessKey: string }
  readonly resolve: (accessKeyId: string) => Caller
  readonly issue: (accountId: string, roleName: string, sessionName: string) => IssuedCredentials
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

const uniqueSuffix = (n: number, length: number): string => {
  let out = ""
  let x = n
  for (let i = 0; i < length; i++) {
    out = (ALPHABET[x % 32] ?? "A") + out
    x = Math.floor(x / 32)
  }
  return out
}

const roleId = (roleName: string): string => {
  let h = 0
  for (const c of roleName) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0
  return `AROA${uniqueSuffix(h, 7)}${uniqueSuffix(h ^ 0x5bd1e995, 6)}SBX`.slice(0, 21)
}

export const makeCredentialStore = (managementAccountId: string): CredentialStore => {
  const root = (accountId: string, accessKeyId: string): Caller => ({
    accessKeyId,
    accountId,
    arn: `arn:aws:iam::${accountId}:root`,
    userId: accountId
  })
  const management = { accessKeyId: `AKIA${managementAccountId}ROOT`, secretAccessKey: "miyabi-sandbox-secret-access-key-00000000" }
  const issued = new Map<string, Caller>()
  let counter = 0
  return {
    management,
    resolve: (accessKeyId) => {
      const known = issued.get(accessKeyId)
      if (known !== undefined) return known
      const encoded = /^(?:AKIA|ASIA)(\d{12})[A-Z2-7]{4}$/.exec(accessKeyId)
      return root(encoded?.[1] ?? managementAccountId, accessKeyId)
    },
    issue: (accountId, roleName, sessionName) => {
      counter += 1
      const accessKeyId = `ASIA${accountId}${uniqueSuffix(counter, 4)}`
      const id = roleId(roleName)
      const caller: Caller = {
        accessKeyId,
        accountId,
        arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
        userId: `${id}:${sessionName}`
      }
      issued.set(accessKeyId, caller)
      return {
        accessKeyId,
        secretAccessKey: `sandbox${accountId}${uniqueSuffix(counter, 8)}secretkey00`,
        sessionToken: Buffer.from(JSON.stringify({ a: accountId, r: roleName, s: sessionName, n: counter })).toString("base64"),
        caller
      }
    }
  }
}
