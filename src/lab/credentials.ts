/**
 * The lab's own credentials. `lab init` writes them into config as plain values: they open
 * nothing but the simulators on loopback, and nobody depends on them staying secret.
 */
export const LAB_CREDENTIALS = {
  xdr: { clientId: 'client-0d6a2c1e-lab0-4000-8000-00000000x0r1', clientSecret: 'lab-xdr-client-password' },
  umbrella: { apiKey: 'lab-umbrella-api-key', apiSecret: 'lab-umbrella-api-secret' },
  secureEndpoint: { clientId: 'lab-se-3rd-party-client', apiKey: 'lab-se-api-key-0001' },
  secureFirewall: { username: 'lab-api-user', password: 'lab-fmc-password', domainUuid: 'e276abec-e0f2-11e3-8169-6d9ed49b625f' },
  splunk: { token: 'lab-splunk-auth-token', username: 'lab-admin', password: 'lab-splunk-password', hecToken: '9f3c1d2e-lab0-4c5d-8e7f-0000000000ec' },
  crowdstrike: { clientId: 'labcrowdstrikeclient000000000001', clientSecret: 'lab-crowdstrike-client-secret' },
  sentinel: {
    tenantId: '72f988bf-lab0-41af-91ab-2d7cd011db47',
    clientId: '3c1f4e2a-lab0-4c1d-9e8f-00000000a2ad',
    clientSecret: 'lab-entra-client-secret',
    subscriptionId: '0b5e6a0c-lab0-4e1b-8d7f-00000000005b',
    resourceGroup: 'rg-soc-lab',
    workspaceName: 'law-soc-lab',
    workspaceId: 'd1e2f3a4-lab0-4b5c-8d9e-00000000105c',
  },
  pagerduty: { apiToken: 'lab-pagerduty-rest-token', routingKey: 'R0UT1NGKEYLAB0000000000000000000', fromEmail: 'soc-bot@corp.example.com' },
  servicenow: { username: 'lab.integration', password: 'lab-servicenow-password' },
  slack: { botToken: 'xoxb-000000000001-lab0000000001-labbottoken', signingSecret: 'lab-slack-signing-secret-0001', teamId: 'TLAB00001', botUserId: 'ULABBOT01', botId: 'BLABBOT01' },
} as const;
