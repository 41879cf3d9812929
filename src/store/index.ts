export { openStore, DEFAULT_MIGRATIONS_FOLDER, type Store, type StoreDatabase, type OpenStoreOptions } from './open.js';
export { applyMigrations } from './migrate.js';
export * as tables from './schema/index.js';
export type { AuditLedgerRow } from './schema/index.js';
export { IntegrationHealthRepository } from './integration-health-repository.js';
export type { IntegrationHealthRow } from './schema/index.js';
export { RunRepository } from './run-repository.js';
export type { AgentRunRow, AgentStepResultRow, AgentRunEventRow, WorkflowRow, ApprovalRow, ApprovalVoteRow } from './schema/index.js';
