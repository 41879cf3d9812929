/** The approval service as the gateway sees it (implemented by src/approvals). */
export interface ApprovalView {
  id: string;
  state: 'pending' | 'approved' | 'denied' | 'expired';
  tool: string;
  argsHash: string;
  requester: string;
  runId: string | null;
  expiresAt: string;
  executedAt: string | null;
  decidedBy?: string | null;
  decisionReason?: string | null;
}

export interface ApprovalBinding {
  tool: string;
  argsHash: string;
  requester: string;
  runId?: string;
}

export interface ApprovalGate {
  request(input: {
    tool: string;
    args: unknown;
    argsSummary: unknown;
    requester: string;
    actor: string;
    runId?: string;
    reason?: string;
    risk?: 'low' | 'medium' | 'high' | 'critical';
    critical?: boolean;
  }): ApprovalView;
  find(binding: ApprovalBinding): ApprovalView | undefined;
  get(id: string): ApprovalView | undefined;
  /** True exactly once per approved approval: the call it approved runs once. */
  consume(id: string): boolean;
}
