/** What a gateway call came to. Every result has been written to the audit ledger. */
export type GatewayResult =
  | { outcome: 'succeeded'; tool: string; output: unknown; truncated: boolean; auditSeq: number; approvalId?: string }
  | { outcome: 'failed'; tool: string; error: { code: string; message: string }; auditSeq: number; approvalId?: string }
  | { outcome: 'denied'; tool: string; reason: string; auditSeq: number }
  | { outcome: 'invalid'; tool: string; reason: string; issues: Array<{ path: string; message: string }>; auditSeq: number }
  | { outcome: 'awaiting_approval'; tool: string; approvalId: string; expiresAt: string; auditSeq?: number }
  | { outcome: 'rejected'; tool: string; approvalId: string; reason: string; auditSeq: number }
  | { outcome: 'expired'; tool: string; approvalId: string; auditSeq: number }
  | { outcome: 'dry_run'; tool: string; preview: { tool: string; scope: string; input: unknown; wouldRequireApproval: boolean }; auditSeq: number };

export type GatewayOutcome = GatewayResult['outcome'];

/** One line saying why a call did not succeed (`code: message`, `denied: reason`, or the outcome). */
export function describeGatewayFailure(result: GatewayResult): string {
  switch (result.outcome) {
    case 'failed':
      return `${result.error.code}: ${result.error.message}`;
    case 'denied':
    case 'invalid':
    case 'rejected':
      return `${result.outcome}: ${result.reason}`;
    default:
      return result.outcome;
  }
}
