/** Products that see scenario events. */
export type LabProduct = 'xdr' | 'umbrella' | 'secure_endpoint' | 'secure_firewall' | 'splunk' | 'crowdstrike' | 'sentinel';

export type ScenarioEventKind =
  | 'email'
  | 'process'
  | 'network'
  | 'dns'
  | 'file'
  | 'detection'
  | 'logon'
  | 'signin'
  | 'smb';

/**
 * One thing that happened in the scenario world, product-neutral. Each simulator presents the
 * events whose `products` include it in its own wire format.
 */
export interface ScenarioEvent {
  id: string;
  time: Date;
  kind: ScenarioEventKind;
  products: LabProduct[];
  /** story: part of XDR-2026-001234; noise: benign background. */
  tag: 'story' | 'noise';
  title: string;
  severity: 'info' | 'low' | 'medium' | 'high' | 'critical';
  host?: string;
  user?: string;
  sourceIp?: string;
  destinationIp?: string;
  destinationPort?: number;
  protocol?: 'tcp' | 'udp';
  domain?: string;
  url?: string;
  sha256?: string;
  fileName?: string;
  filePath?: string;
  processName?: string;
  parentProcessName?: string;
  commandLine?: string;
  /** success/failure for logons; allowed/blocked for network and DNS. */
  outcome?: 'success' | 'failure' | 'allowed' | 'blocked';
  /** Windows event code for logons (4624/4625) and share access (5140). */
  eventCode?: number;
  /** MITRE ATT&CK technique id. */
  technique?: string;
  tactic?: string;
  bytesOut?: number;
  emailSender?: string;
  emailSubject?: string;
}
