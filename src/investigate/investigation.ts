import type { Severity } from '../connectors/model/index.js';
import type { HostRecord, ObservableVerdict, SourceReport } from './gather/index.js';
import type { Finding, TimelineEntry } from './timeline/index.js';

/**
 * What one investigation found: the shape the CLI prints, Slack posts, reports render and the
 * store keeps. Everything in it that came from a product is untrusted text: renderers escape it.
 */
export interface InvestigationResult {
  /** `inv-<time>-<random>`: stable, sortable, safe in file names. */
  id: string;
  /** The XDR incident investigated, e.g. `XDR-2026-001234`. */
  alertId: string;
  /** `llm`: the model drove the tool calls; `deterministic`: the built-in triage did, the LLM was not used. */
  mode: 'llm' | 'deterministic';
  /** Why the LLM was not used (no API key, `--no-llm`), or undefined in LLM mode. */
  llmNotUsedReason?: string;
  /** `partial`: something ended it early or a source failed; `reasons` says what. */
  status: 'complete' | 'partial' | 'failed';
  /** Why the result is partial or failed, one sentence each (budget, refusal, model error, failed source). */
  reasons: string[];
  /** Why a failed investigation failed (`incident_not_found`, `incident_unavailable`, …). */
  error?: { code: string; message: string };
  /** Principal responsible for the investigation (`cli:alice`, `slack:U0123`): approvals bind to it. */
  requester: string;
  startedAt: string;
  finishedAt: string;
  incident: IncidentSummary | null;
  /** The window every source was asked about. */
  window: { from: string; to: string } | null;
  /** Ordered, de-duplicated, scoped to the incident. */
  timeline: TimelineEntry[];
  enrichment: {
    observables: ObservableVerdict[];
    hosts: HostRecord[];
  };
  findings: Finding[];
  /** Response actions proposed; each went to the gateway, which turned it into an approval request (or refused it). */
  proposals: ProposedAction[];
  /** Plain-language summary: the model's final answer, or the deterministic one. Untrusted in LLM mode. */
  summary: string;
  /** Every read made, with its outcome and duration. */
  sources: SourceReport[];
  /** Model usage; absent in deterministic mode. */
  usage?: InvestigationUsage;
}

export interface IncidentSummary {
  id: string;
  title: string;
  severity: Severity;
  time: string;
  status?: string;
  description?: string;
}

export interface ProposedAction {
  /** Gateway tool id, e.g. `secure_endpoint.isolate_host`. */
  tool: string;
  input: Record<string, unknown>;
  /** Why: the finding it answers, or the model's rationale (untrusted). */
  rationale: string;
  /** Who proposed it. */
  proposedBy: 'triage' | 'llm';
  /** The gateway outcome: `awaiting_approval`, `denied`, `invalid`, `dry_run`, … */
  outcome: string;
  approvalId?: string;
  expiresAt?: string;
  /** Why the gateway refused it, when it did. */
  reason?: string;
}

export interface InvestigationUsage {
  model: string;
  /** Model calls made. */
  turns: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  /** Share of input tokens served from the prompt cache, 0–1. */
  cacheShare: number;
  /** Estimated, from the price table in llm/usage.ts. */
  estimatedCostUsd: number;
  /** Tool calls the model asked for. */
  toolCalls: number;
}
