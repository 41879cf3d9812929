export * from './audit.js';
export * from './integration-health.js';
export * from './approvals.js';
export * from './runs.js';
export * from './investigations.js';
