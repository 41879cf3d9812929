/** Outcomes a ledger record can carry (DESIGN.md §2, step 7) plus plain success/failure of admin actions. */
export const AUDIT_OUTCOMES = [
  'succeeded',
  'failed',
  'denied',
  'invalid',
  'awaiting_approval',
  'approved',
  'rejected',
  'expired',
  'dry_run',
] as const;

export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export type AuditScope = 'read' | 'write' | 'execute' | 'admin';

/** What a caller hands the ledger. Everything here is redacted before it is stored. */
export interface AuditEntry {
  /** `slack:U0123`, `cli:alice`, `agent:phishing-triage`, `llm:<investigation>`, `system`. */
  actor: string;
  /** `tool.call`, `config.set`, `config.init`, `approval.decide`, … */
  action: string;
  /** Tool id or resource. */
  target?: string;
  scope?: AuditScope;
  outcome: AuditOutcome;
  /** Free-form context: redacted, then stored as canonical JSON. */
  details?: Record<string, unknown>;
  /**
   * Tool arguments: hashed (SHA-256 of canonical JSON, before redaction, so approvals bind to
   * the exact arguments) and stored redacted under `details.args`.
   */
  args?: unknown;
}

/** A stored ledger row. */
export interface AuditRecord {
  seq: number;
  time: string;
  actor: string;
  action: string;
  target: string | null;
  scope: string | null;
  outcome: string;
  /** Canonical JSON text exactly as stored and hashed. */
  details: string;
  argsHash: string | null;
  prevHash: string;
  hash: string;
}

/** Anything that can take audit records: the ledger, or a test double that records them. */
export interface AuditSink {
  append(entry: AuditEntry): AuditRecord;
}
