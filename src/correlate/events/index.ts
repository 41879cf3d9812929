export { OCSF_CLASS_NAME, type CorrelationAttributes, type CorrelationEvent, type EventEndpoint, type EventFile, type EventLogSource, type EventOutcome, type EventProcess } from './correlation-event.js';
export { toCorrelationEvent, toCorrelationEvents } from './to-correlation-event.js';
export { FLAT_FIELD_NAMES, flatFields, toFlatEvent } from './flat-event.js';
export { readEventLines, type EventLine } from './read-event-lines.js';
export { attributesOf } from './sources/index.js';
export { eventsOfOutput, parseSecurityEvents, securityEventSchema } from './security-event-schema.js';
