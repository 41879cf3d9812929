/** The kinds of agent `defenseclaw agent new --type` can write. */
export const AGENT_TYPES = ['investigation', 'response', 'inventory', 'enforcement'] as const;
export type AgentType = (typeof AGENT_TYPES)[number];

const HEADER = (name: string, description: string) => `# DefenseClaw agent. Check it with: defenseclaw agent validate <this file>
# Steps run in order; a step reads earlier steps' output as <step>.<field> or {{ <step>.<field> }},
# and run parameters (--param key=value) as params.<key>.
name: ${name}
description: ${description}
version: 1.0.0
# secure: every write/execute step waits for an approver, whatever requires_approval says.
runtime: secure
`;

const BODIES: Readonly<Record<AgentType, { description: string; body: string }>> = {
  investigation: {
    description: 'Find recent XDR incidents, list the events of the newest one on its host and enrich its IPs.',
    body: `tools:
  - cisco_xdr.search_incidents
  - cisco.xdr.events
  - cisco_xdr.enrich_observables
permissions:
  read: true
  write: false
  execute: false
steps:
  - name: incidents
    tool: cisco_xdr.search_incidents
    params:
      since_hours: 24
      limit: 10
  - name: host_events
    tool: cisco.xdr.events
    condition: incidents.incidents.count > 0 and incidents.incidents[0].fields.host != null
    params:
      observable_type: hostname
      observable_value: "{{ incidents.incidents[0].fields.host }}"
      since_hours: 24
  - name: enrichment
    tool: cisco_xdr.enrich_observables
    condition: incidents.incidents[0].entities.ips.count > 0
    params:
      observables:
        - type: ip
          value: "{{ incidents.incidents[0].entities.ips[0] }}"
`,
  },
  response: {
    description: 'Look at a host in Secure Endpoint, then isolate it (after approval) when the alert is high or critical.',
    body: `tools:
  - cisco.secure_endpoint.status
  - secure_endpoint.list_events
  - cisco.secure_endpoint.isolate
permissions:
  read: true
  write: false
  execute: true
steps:
  - name: computer
    tool: cisco.secure_endpoint.status
    params:
      hostname: "{{ params.hostname }}"
  - name: recent_events
    tool: secure_endpoint.list_events
    params:
      hostname: "{{ params.hostname }}"
      since_hours: 24
      limit: 100
  # Run with --param hostname=<host> --param severity=<info|low|medium|high|critical>.
  - name: isolate
    tool: cisco.secure_endpoint.isolate
    condition: severity >= high and computer.isolation != 'isolated'
    requires_approval: true
    params:
      hostname: "{{ params.hostname }}"
      comment: "DefenseClaw: {{ recent_events.count }} events in 24h, severity {{ params.severity }}"
`,
  },
  inventory: {
    description: 'List the endpoints known to Secure Endpoint and CrowdStrike Falcon.',
    body: `tools:
  - secure_endpoint.list_computers
  - crowdstrike.devices
permissions:
  read: true
  write: false
  execute: false
steps:
  - name: secure_endpoint_computers
    tool: secure_endpoint.list_computers
    params:
      seen_within_hours: 168
      limit: 1000
  - name: falcon_devices
    tool: crowdstrike.devices
    params:
      seen_since: 7d
      limit: 1000
`,
  },
  enforcement: {
    description: 'Open a ServiceNow incident when Falcon reports new high-severity alerts.',
    body: `tools:
  - crowdstrike.list_alerts
  - servicenow.create_incident
permissions:
  read: true
  write: true
  execute: false
steps:
  - name: alerts
    tool: crowdstrike.list_alerts
    params:
      status: new
      min_severity: 60
      since: 24h
      limit: 200
  - name: ticket
    tool: servicenow.create_incident
    condition: alerts.events.count > 0
    requires_approval: true
    params:
      short_description: "DefenseClaw: {{ alerts.returned }} new high-severity Falcon alerts"
      description: "First alert: {{ alerts.events[0].title }} on {{ alerts.events[0].entities.hosts }}"
      urgency: high
      impact: medium
      # ServiceNow keeps at most 100 characters here: the Falcon device id is 32.
      correlation_id: "falcon-alerts/{{ alerts.events[0].fields.device_id }}"
`,
  },
};

/** A valid, read-first agent definition of the given type, as commented YAML. */
export function agentScaffold(name: string, type: AgentType): string {
  const { description, body } = BODIES[type];
  return `${HEADER(name, description)}${body}`;
}
