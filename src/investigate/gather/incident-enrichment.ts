import { z } from 'zod';
import type { Verdict } from '../timeline/index.js';

/** One source's verdict on one observable. */
export interface ObservableVerdict {
  type: string;
  value: string;
  verdict: Verdict;
  /** `cisco_xdr.enrich_observables`, `umbrella.investigate_domain`, … */
  source: string;
  /** Categories, risk score or judgement reasons, when the source gave them. */
  detail?: string;
}

/** What an asset source knows about one incident host. */
export interface HostRecord {
  hostname: string;
  source: 'secure-endpoint' | 'crowdstrike';
  ips: string[];
  isolation?: string;
  /** Secure Endpoint's compromise flag. */
  compromised?: boolean;
  /** Secure Endpoint threat score 0–100 from recent events. */
  threatScore?: number;
  /** Falcon containment status (`normal`, `contained`, …). */
  status?: string;
  tags?: string[];
}

export interface IncidentEnrichment {
  /** Every verdict, per source. */
  observables: ObservableVerdict[];
  /** Worst verdict per observable value (lower-case) across sources: malicious, suspicious, clean, unknown. */
  verdicts: Record<string, Verdict>;
  hosts: HostRecord[];
  /** Host → its IPs from the asset records, for scoping (an internal IP counts as its host). */
  hostAddresses: Record<string, string[]>;
}

/** Worst first; `unknown` says least, so any real verdict beats it. */
const VERDICT_RANK: Verdict[] = ['malicious', 'suspicious', 'clean', 'unknown'];

export function emptyEnrichment(): IncidentEnrichment {
  return { observables: [], verdicts: {}, hosts: [], hostAddresses: {} };
}

/** The combined verdicts as a map, the form scopeToIncident and findings take. */
export function verdictMap(enrichment: IncidentEnrichment): Map<string, Verdict> {
  return new Map(Object.entries(enrichment.verdicts));
}

export function addVerdict(enrichment: IncidentEnrichment, verdict: ObservableVerdict): void {
  enrichment.observables.push(verdict);
  const key = verdict.value.toLowerCase();
  const current = enrichment.verdicts[key];
  if (current === undefined || VERDICT_RANK.indexOf(verdict.verdict) < VERDICT_RANK.indexOf(current)) enrichment.verdicts[key] = verdict.verdict;
}

export function addHost(enrichment: IncidentEnrichment, host: HostRecord): void {
  enrichment.hosts.push(host);
  const known = enrichment.hostAddresses[host.hostname] ?? [];
  enrichment.hostAddresses[host.hostname] = [...new Set([...known, ...host.ips])];
}

// Minimal schemas of the tool outputs read here (tolerant of extra fields).

const xdrEnrichmentSchema = z.object({
  observables: z.array(z.object({ type: z.string(), value: z.string(), verdict: z.string(), judgements: z.array(z.object({ module: z.string(), reason: z.string().optional() }).loose()).optional() }).loose()),
});
const umbrellaDomainSchema = z.object({ domain: z.string(), verdict: z.string(), security_categories: z.array(z.string()).optional(), risk_score: z.number().nullable().optional() }).loose();
const umbrellaIpSchema = z.object({ ip: z.string(), malicious_domain_count: z.number(), domains: z.array(z.object({ domain: z.string(), verdict: z.string() }).loose()) }).loose();
const secureEndpointComputerSchema = z
  .object({ hostname: z.string(), ips: z.array(z.string()), isolation: z.string().optional(), is_compromised: z.boolean().optional(), threat_score: z.number().optional() })
  .loose();
const crowdStrikeDeviceSchema = z.object({ asset: z.object({ hostname: z.string(), ips: z.array(z.string()), tags: z.array(z.string()).optional() }).loose(), device: z.object({ status: z.string().optional() }).loose() }).loose();

function xdrVerdict(disposition: string): Verdict {
  switch (disposition.toLowerCase()) {
    case 'malicious':
      return 'malicious';
    case 'suspicious':
      return 'suspicious';
    case 'clean':
    case 'common':
      return 'clean';
    default:
      return 'unknown';
  }
}

function umbrellaVerdict(verdict: string): Verdict {
  return verdict === 'malicious' ? 'malicious' : verdict === 'benign' ? 'clean' : 'unknown';
}

/** Folds one enrichment tool's output in; returns false when the output has not the expected shape. */
export function foldEnrichment(enrichment: IncidentEnrichment, tool: string, output: unknown): boolean {
  switch (tool) {
    case 'cisco_xdr.enrich_observables': {
      const parsed = xdrEnrichmentSchema.safeParse(output);
      if (!parsed.success) return false;
      for (const observable of parsed.data.observables) {
        const reasons = (observable.judgements ?? []).map((judgement) => judgement.reason).filter((reason): reason is string => reason !== undefined);
        addVerdict(enrichment, {
          type: observable.type, value: observable.value, verdict: xdrVerdict(observable.verdict), source: tool,
          ...(reasons.length === 0 ? {} : { detail: [...new Set(reasons)].slice(0, 3).join('; ') }),
        });
      }
      return true;
    }
    case 'umbrella.investigate_domain': {
      const parsed = umbrellaDomainSchema.safeParse(output);
      if (!parsed.success) return false;
      const categories = parsed.data.security_categories ?? [];
      addVerdict(enrichment, {
        type: 'domain', value: parsed.data.domain, verdict: umbrellaVerdict(parsed.data.verdict), source: tool,
        detail: [`risk ${parsed.data.risk_score ?? 'unknown'}`, ...(categories.length === 0 ? [] : [categories.join(', ')])].join('; '),
      });
      return true;
    }
    case 'umbrella.investigate_ip': {
      const parsed = umbrellaIpSchema.safeParse(output);
      if (!parsed.success) return false;
      const malicious = parsed.data.domains.filter((domain) => domain.verdict === 'malicious').map((domain) => domain.domain);
      // An address that serves malicious domains is suspicious; no domains says nothing (unknown).
      addVerdict(enrichment, {
        type: 'ip', value: parsed.data.ip, verdict: malicious.length > 0 ? 'suspicious' : 'unknown', source: tool,
        ...(malicious.length === 0 ? {} : { detail: `serves ${malicious.slice(0, 5).join(', ')}` }),
      });
      return true;
    }
    case 'secure_endpoint.get_computer': {
      const parsed = secureEndpointComputerSchema.safeParse(output);
      if (!parsed.success) return false;
      addHost(enrichment, {
        hostname: parsed.data.hostname, source: 'secure-endpoint', ips: parsed.data.ips,
        ...(parsed.data.isolation === undefined ? {} : { isolation: parsed.data.isolation }),
        ...(parsed.data.is_compromised === undefined ? {} : { compromised: parsed.data.is_compromised }),
        ...(parsed.data.threat_score === undefined ? {} : { threatScore: parsed.data.threat_score }),
      });
      return true;
    }
    case 'crowdstrike.get_device': {
      const parsed = crowdStrikeDeviceSchema.safeParse(output);
      if (!parsed.success) return false;
      addHost(enrichment, {
        hostname: parsed.data.asset.hostname, source: 'crowdstrike', ips: parsed.data.asset.ips,
        ...(parsed.data.device.status === undefined ? {} : { status: parsed.data.device.status }),
        ...(parsed.data.asset.tags === undefined ? {} : { tags: parsed.data.asset.tags }),
      });
      return true;
    }
    default:
      return false;
  }
}
