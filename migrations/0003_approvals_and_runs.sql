CREATE TABLE `approval_votes` (
	`approval_id` text NOT NULL,
	`approver` text NOT NULL,
	`decision` text NOT NULL,
	`reason` text,
	`at` text NOT NULL,
	PRIMARY KEY(`approval_id`, `approver`),
	FOREIGN KEY (`approval_id`) REFERENCES `approvals`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `approvals` (
	`id` text PRIMARY KEY NOT NULL,
	`tool` text NOT NULL,
	`args_hash` text NOT NULL,
	`args_summary` text NOT NULL,
	`requester` text NOT NULL,
	`actor` text NOT NULL,
	`run_id` text,
	`reason` text,
	`risk` text NOT NULL,
	`critical` integer NOT NULL,
	`required_approvals` integer NOT NULL,
	`state` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`decided_at` text,
	`decided_by` text,
	`decision_reason` text,
	`executed_at` text,
	`channel` text,
	`message_ts` text
);
--> statement-breakpoint
CREATE INDEX `approvals_state` ON `approvals` (`state`);--> statement-breakpoint
CREATE INDEX `approvals_binding` ON `approvals` (`tool`,`args_hash`,`requester`);--> statement-breakpoint
CREATE TABLE `agent_run_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` text NOT NULL,
	`time` text NOT NULL,
	`type` text NOT NULL,
	`step` text,
	`message` text NOT NULL,
	`data` text,
	FOREIGN KEY (`run_id`) REFERENCES `agent_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `agent_run_events_run` ON `agent_run_events` (`run_id`,`id`);--> statement-breakpoint
CREATE TABLE `agent_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`version` text NOT NULL,
	`definition` text NOT NULL,
	`params` text NOT NULL,
	`requester` text NOT NULL,
	`dry_run` integer NOT NULL,
	`status` text NOT NULL,
	`next_step` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`finished_at` text,
	`error` text,
	`lease_owner` text,
	`lease_until` text
);
--> statement-breakpoint
CREATE INDEX `agent_runs_status` ON `agent_runs` (`status`);--> statement-breakpoint
CREATE TABLE `agent_step_results` (
	`run_id` text NOT NULL,
	`step_index` integer NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`output` text,
	`approval_id` text,
	`audit_seq` integer,
	`finished_at` text NOT NULL,
	PRIMARY KEY(`run_id`, `step_index`),
	FOREIGN KEY (`run_id`) REFERENCES `agent_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `workflow_fired` (
	`workflow` text NOT NULL,
	`key` text NOT NULL,
	`fired_at` text NOT NULL,
	`run_id` text,
	PRIMARY KEY(`workflow`, `key`)
);
--> statement-breakpoint
CREATE TABLE `workflows` (
	`name` text PRIMARY KEY NOT NULL,
	`version` text NOT NULL,
	`definition` text NOT NULL,
	`source_file` text,
	`active` integer NOT NULL,
	`registered_at` text NOT NULL,
	`updated_at` text NOT NULL
);
