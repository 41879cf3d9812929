export * from './audit.js';
export * from './integration-health.js';
export * from './approvals.js';
export * from './runs.js';
export * from './investigations.js';
export * from './inventory.js';
export * from './policy.js';
export * from './scheduler.js';
