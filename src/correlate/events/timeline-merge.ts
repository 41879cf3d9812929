/*
 * The investigation timeline's merge of several products' reports into one happening, reused so
 * correlation and investigation agree on what "the same event" is.
 */
export { buildTimeline, unionEntities as unionEntitiesOf, maxSeverity as maxSeverityOf } from '../../investigate/timeline/build-timeline.js';
