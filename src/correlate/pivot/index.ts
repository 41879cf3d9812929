export { IOC_TYPES, parseIndicator, type Indicator, type IocType } from './ioc.js';
export { mentionsIndicator } from './mentions-indicator.js';
export { planPivotReads, sentinelPivotQueries, splunkPivotQuery } from './pivot-reads.js';
