/**
 * The estate's organization as data: its OUs, its accounts (each with the
 * role and environment the generator gave it) and the customers whose
 * resources the accounts hold. `generateOrganization` (GenerateOrganization.ts)
 * draws one.
 */
export type Environment = "prod" | "staging" | "dev"

export interface OrganizationalUnit {
  readonly id: string
  readonly arn: string
  readonly name: string
  readonly parentId: string
}

export type AccountRole = "management" | "security" | "infrastructure" | "workload" | "pool" | "silo" | "sandbox"

export interface Account {
  readonly id: string
  readonly arn: string
  readonly name: string
  readonly email: string
  readonly parentId: string
  readonly role: AccountRole
  readonly environment: Environment
  /** For a silo account: the one customer it belongs to. */
  readonly customerId?: string
  readonly joinedAt: number
}

export interface Organization {
  readonly id: string
  readonly arn: string
  readonly rootId: string
  readonly managementAccountId: string
  readonly managementEmail: string
  readonly units: Array<OrganizationalUnit>
  readonly accounts: Array<Account>
}

export interface Customer {
  readonly id: string
  readonly name: string
  readonly tenancy: "pool" | "silo"
}
