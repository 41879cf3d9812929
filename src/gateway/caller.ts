import type { ToolScope } from '../connectors/tool.js';

/** What a caller may use: tools by id (or every tool) and the scopes granted. Deny beats allow. */
export interface PermissionProfile {
  /** Resolved tool ids this caller may call, or `*` for any tool whose scope is granted. */
  tools: ReadonlySet<string> | '*';
  scopes: Readonly<Record<ToolScope, boolean>>;
}

export type CallerKind = 'cli' | 'agent' | 'workflow' | 'llm' | 'slack';

/** Who is calling, on whose behalf, with what rights. Every gateway call carries one. */
export interface Caller {
  kind: CallerKind;
  /** The audit actor: `cli:alice`, `agent:threat-hunt-agent`, `slack:U0123`, `llm:inv-…`. */
  actor: string;
  /** The principal responsible (approvals bind to it; it cannot approve its own request). */
  requester: string;
  permissions: PermissionProfile;
  /** The agent/workflow/investigation run this call belongs to. */
  runId?: string;
  /** secure (default): every write/execute needs approval. standard: `requiresApproval` as written. */
  runtime?: 'secure' | 'standard';
  /**
   * The step's `requires_approval` as written in the YAML (undefined: the catalog default). True makes
   * any call wait for an approver, a read too; false only matters for write/execute in the standard runtime.
   */
  requiresApproval?: boolean;
  /** Never run write/execute handlers; return what would be called. */
  dryRun?: boolean;
  /** Why this call is made (step name, LLM rationale): shown to approvers. */
  reason?: string;
}

export const READ_ONLY: PermissionProfile = { tools: '*', scopes: { read: true, write: false, execute: false } };

export function profile(tools: Iterable<string> | '*', scopes: Partial<Record<ToolScope, boolean>>): PermissionProfile {
  return { tools: tools === '*' ? '*' : new Set(tools), scopes: { read: scopes.read ?? false, write: scopes.write ?? false, execute: scopes.execute ?? false } };
}
