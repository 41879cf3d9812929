import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { pagerdutySimulator } from '../../src/lab/products/pagerduty.js';

/*
 * The PagerDuty REST incident lifecycle a client written from PagerDuty's public API reference
 * drives: find the service, POST /incidents (From header, service reference, incident_key), then
 * PUT /incidents/{id} (or the bulk PUT /incidents) to acknowledge and resolve; every change reads back.
 */

const clock = fixedClock('2026-11-23T12:00:00.000Z');
let lab: Lab;
beforeEach(async () => {
  lab = await startLab({ products: [pagerdutySimulator], clock });
});
afterEach(async () => {
  await lab.close();
});

const headers = (extra: Record<string, string> = {}) => ({
  authorization: `Token token=${LAB_CREDENTIALS.pagerduty.apiToken}`,
  accept: 'application/vnd.pagerduty+json;version=2',
  'content-type': 'application/json',
  ...extra,
});
const rest = (method: string, path: string, body?: unknown, extra: Record<string, string> = { from: LAB_CREDENTIALS.pagerduty.fromEmail }) =>
  fetch(`${lab.url}/pagerduty/api${path}`, { method, headers: headers(extra), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

describe('PagerDuty REST incidents in the lab', () => {
  it('creates an incident on the listed service, refuses a second open one with the same key, and resolves it', async () => {
    const services = (await (await rest('GET', '/services')).json()) as { services: Array<{ id: string }> };
    const service = services.services[0]!;
    const incident = { type: 'incident', title: 'Malware on workstation-042', service: { id: service.id, type: 'service_reference' }, urgency: 'high', incident_key: 'xdr-XDR-2026-001234' };

    const created = await rest('POST', '/incidents', { incident });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { incident: { id: string; status: string; incident_key: string; service: { id: string } } };
    expect(body.incident).toMatchObject({ status: 'triggered', incident_key: 'xdr-XDR-2026-001234', service: { id: service.id } });

    const duplicate = await rest('POST', '/incidents', { incident });
    expect(duplicate.status).toBe(400);
    expect(((await duplicate.json()) as { error: { code: number; errors: string[] } }).error).toMatchObject({ code: 2001, errors: [expect.stringContaining('already exists')] });

    const acknowledged = await rest('PUT', `/incidents/${body.incident.id}`, { incident: { type: 'incident_reference', status: 'acknowledged' } });
    expect(acknowledged.status).toBe(200);
    expect(((await acknowledged.json()) as { incident: { status: string } }).incident.status).toBe('acknowledged');
    const resolved = await rest('PUT', '/incidents', { incidents: [{ id: body.incident.id, type: 'incident_reference', status: 'resolved' }] });
    expect(resolved.status).toBe(200);
    const readBack = (await (await rest('GET', `/incidents/${body.incident.id}`)).json()) as { incident: { status: string } };
    expect(readBack.incident.status).toBe('resolved');
    const reopened = await rest('PUT', `/incidents/${body.incident.id}`, { incident: { type: 'incident_reference', status: 'acknowledged' } });
    expect(reopened.status).toBe(400);
    // Resolved, the key is free again.
    expect((await rest('POST', '/incidents', { incident })).status).toBe(201);
  });

  it('needs the From header, a known service and a valid status, each refusal in the REST error envelope', async () => {
    const incident = { type: 'incident', title: 'x', service: { id: 'PSOCLAB', type: 'service_reference' } };
    const noFrom = await rest('POST', '/incidents', { incident }, {});
    expect(noFrom.status).toBe(400);
    expect(((await noFrom.json()) as { error: { code: number } }).error.code).toBe(2001);
    expect((await rest('POST', '/incidents', { incident: { ...incident, service: { id: 'PNOPE00', type: 'service_reference' } } })).status).toBe(400);
    expect((await rest('PUT', '/incidents/QNOSUCHINCIDENT', { incident: { type: 'incident_reference', status: 'resolved' } })).status).toBe(404);
    const list = (await (await rest('GET', '/incidents?limit=1')).json()) as { incidents: Array<{ id: string }> };
    const bad = await rest('PUT', `/incidents/${list.incidents[0]!.id}`, { incident: { type: 'incident_reference', status: 'snoozed' } });
    expect(bad.status).toBe(400);
    const unauthorised = await fetch(`${lab.url}/pagerduty/api/incidents`, { method: 'POST', headers: { ...headers(), authorization: 'Token token=wrong' }, body: JSON.stringify({ incident }) });
    expect(unauthorised.status).toBe(401);
    expect(((await unauthorised.json()) as { error: { code: number } }).error.code).toBe(2006);
  });
});
