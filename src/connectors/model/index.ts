export { shortHostname, type AssetRecord, type AssetSource } from './asset.js';
export {
  EVENT_CLASS_UID,
  SEVERITY_ID,
  emptyEntities,
  entitiesOf,
  severityFrom,
  type EventClass,
  type EventEntities,
  type SecurityEvent,
  type Severity,
} from './security-event.js';
