CREATE TABLE `asset_tags` (
	`asset_key` text NOT NULL,
	`tag` text NOT NULL,
	`origin` text NOT NULL,
	`rule` text,
	`tagged_at` text NOT NULL,
	PRIMARY KEY(`asset_key`, `tag`)
);
--> statement-breakpoint
CREATE INDEX `asset_tags_tag` ON `asset_tags` (`tag`);--> statement-breakpoint
CREATE TABLE `inventory_assets` (
	`snapshot_id` text NOT NULL,
	`asset_key` text NOT NULL,
	`hostname` text NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`snapshot_id`, `asset_key`),
	FOREIGN KEY (`snapshot_id`) REFERENCES `inventory_snapshots`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `inventory_assets_hostname` ON `inventory_assets` (`hostname`);--> statement-breakpoint
CREATE TABLE `inventory_snapshots` (
	`id` text PRIMARY KEY NOT NULL,
	`taken_at` text NOT NULL,
	`status` text NOT NULL,
	`sources` text NOT NULL,
	`asset_count` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `inventory_snapshots_taken` ON `inventory_snapshots` (`taken_at`);--> statement-breakpoint
CREATE TABLE `policy_results` (
	`run_id` text NOT NULL,
	`policy` text NOT NULL,
	`check_id` text NOT NULL,
	`asset_key` text NOT NULL,
	`status` text NOT NULL,
	`severity` text NOT NULL,
	`evidence` text NOT NULL,
	`remediation` text,
	PRIMARY KEY(`run_id`, `policy`, `check_id`, `asset_key`),
	FOREIGN KEY (`run_id`) REFERENCES `policy_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `policy_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`policy` text NOT NULL,
	`mode` text NOT NULL,
	`dry_run` integer NOT NULL,
	`requester` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`status` text NOT NULL,
	`summary` text
);
--> statement-breakpoint
CREATE INDEX `policy_runs_started` ON `policy_runs` (`started_at`);--> statement-breakpoint
CREATE TABLE `job_runs` (
	`job_id` text NOT NULL,
	`slot` text NOT NULL,
	`owner` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`status` text NOT NULL,
	`error` text,
	`output` text,
	PRIMARY KEY(`job_id`, `slot`),
	FOREIGN KEY (`job_id`) REFERENCES `scheduled_jobs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `scheduled_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`schedule` text NOT NULL,
	`params` text NOT NULL,
	`notify` text,
	`enabled` integer NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	`last_slot` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `scheduled_jobs_name_unique` ON `scheduled_jobs` (`name`);