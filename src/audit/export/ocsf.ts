import type { AuditRecord } from '../audit-entry.js';

/** OCSF schema version the mapping follows. */
export const OCSF_VERSION = '1.3.0';

const ACTIVITY_NAMES: Record<number, string> = { 1: 'Create', 2: 'Read', 3: 'Update', 4: 'Delete', 99: 'Other' };
const STATUS_NAMES: Record<number, string> = { 1: 'Success', 2: 'Failure' };

export interface OcsfContext {
  productVersion: string;
  hostname: string;
}

/**
 * A ledger record as an OCSF API Activity event (class 6003, category 6 Application Activity):
 * required actor, api, src_endpoint and base attributes; the chain fields go to `unmapped` so a
 * SIEM keeps everything needed to re-verify.
 */
export function toOcsfApiActivity(record: AuditRecord, context: OcsfContext): Record<string, unknown> {
  const activityId = activityOf(record);
  const statusId = statusOf(record.outcome);
  const severityId = severityOf(record.outcome);
  const event: Record<string, unknown> = {
    class_uid: 6003,
    class_name: 'API Activity',
    category_uid: 6,
    category_name: 'Application Activity',
    activity_id: activityId,
    activity_name: ACTIVITY_NAMES[activityId],
    type_uid: 6003 * 100 + activityId,
    type_name: `API Activity: ${ACTIVITY_NAMES[activityId]}`,
    time: Date.parse(record.time),
    severity_id: severityId,
    severity: ['Unknown', 'Informational', 'Low', 'Medium', 'High'][severityId],
    status_id: statusId,
    // OCSF: `status` is the caption of status_id (the source's word for Other); the outcome is the detail.
    status: statusId === 99 ? record.outcome : STATUS_NAMES[statusId],
    status_detail: record.outcome,
    message: `${record.actor} ${record.action}${record.target === null ? '' : ` ${record.target}`}: ${record.outcome}`,
    actor: { user: { name: record.actor, uid: record.actor } },
    api: { operation: record.action, service: { name: record.target ?? 'defenseclaw' } },
    src_endpoint: { hostname: context.hostname },
    metadata: {
      version: OCSF_VERSION,
      uid: String(record.seq),
      original_time: record.time,
      log_name: 'audit_ledger',
      product: { name: 'DefenseClaw', vendor_name: 'DefenseClaw', version: context.productVersion },
    },
    unmapped: {
      seq: record.seq,
      scope: record.scope,
      outcome: record.outcome,
      details: JSON.parse(record.details) as unknown,
      args_hash: record.argsHash,
      prev_hash: record.prevHash,
      hash: record.hash,
    },
  };
  if (record.target !== null) event.resources = [{ name: record.target, ...(record.scope === null ? {} : { type: record.scope }) }];
  return event;
}

function activityOf(record: AuditRecord): number {
  const verb = record.action.split('.').at(-1) ?? '';
  if (['init', 'create', 'add', 'register'].includes(verb)) return 1;
  if (['delete', 'remove', 'unregister'].includes(verb)) return 4;
  if (['set', 'update', 'decide', 'approve', 'deny'].includes(verb)) return 3;
  if (record.scope === 'read' || ['show', 'list', 'get', 'read', 'search', 'verify', 'export', 'checkpoint'].includes(verb)) return 2;
  if (record.scope === 'write' || record.scope === 'execute') return 3;
  return 99;
}

function statusOf(outcome: string): number {
  if (['succeeded', 'approved', 'dry_run'].includes(outcome)) return 1;
  if (['failed', 'denied', 'invalid', 'rejected', 'expired'].includes(outcome)) return 2;
  return 99;
}

function severityOf(outcome: string): number {
  if (outcome === 'denied' || outcome === 'rejected') return 3;
  if (outcome === 'failed' || outcome === 'invalid' || outcome === 'expired') return 2;
  return 1;
}
