/**
 * The live organization as a tree, for `miyabi org show`: root, OUs and
 * accounts nested as AWS nests them, with the SCPs attached at each level.
 */
import type { Organization, OrgTreeNode } from "@miyabi/types"

export const toOrgTree = (org: Organization): OrgTreeNode => {
  const policiesOf = (id: string) => org.policies.filter((policy) => policy.targets.includes(id as never)).map((policy) => policy.name).sort()
  const byName = <A extends { readonly name: string }>(a: A, b: A) => a.name.localeCompare(b.name)
  const node = (id: string, name: string, kind: OrgTreeNode["kind"], depth: number): OrgTreeNode => ({
    id,
    name,
    kind,
    policies: policiesOf(id),
    children:
      kind === "Account" || depth > 6
        ? []
        : [
            ...org.organizationalUnits.filter((ou) => ou.parentId === id).sort(byName).map((ou) => node(ou.id, ou.name, "OrganizationalUnit", depth + 1)),
            ...org.accounts.filter((account) => account.parentId === id).sort(byName).map((account) => node(account.id, account.name, "Account", depth + 1))
          ]
  })
  return node(org.rootId, "Root", "Root", 0)
}

/** Box-drawing text of the tree; accounts show their id, every level its SCPs. */
export const renderOrgTree = (tree: OrgTreeNode): string => {
  const label = (node: OrgTreeNode) =>
    `${node.kind === "Account" ? `${node.name} (${node.id})` : node.kind === "Root" ? `Root (${node.id})` : `${node.name}/`}${node.policies.length > 0 ? `  [${node.policies.join(", ")}]` : ""}`
  const lines = [label(tree)]
  const walk = (node: OrgTreeNode, prefix: string) => {
    node.children.forEach((child, index) => {
      const last = index === node.children.length - 1
      lines.push(`${prefix}${last ? "└── " : "├── "}${label(child)}`)
      walk(child, `${prefix}${last ? "    " : "│   "}`)
    })
  }
  walk(tree, "")
  return lines.join("\n")
}
