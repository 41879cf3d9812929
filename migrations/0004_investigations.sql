CREATE TABLE `investigation_steps` (
	`investigation_id` text NOT NULL,
	`seq` integer NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`request_hash` text NOT NULL,
	`response_hash` text NOT NULL,
	`payload` text NOT NULL,
	`time` text NOT NULL,
	PRIMARY KEY(`investigation_id`, `seq`),
	FOREIGN KEY (`investigation_id`) REFERENCES `investigations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `investigations` (
	`id` text PRIMARY KEY NOT NULL,
	`alert_id` text NOT NULL,
	`mode` text NOT NULL,
	`status` text NOT NULL,
	`requester` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`model` text,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`cache_creation_tokens` integer DEFAULT 0 NOT NULL,
	`cache_read_tokens` integer DEFAULT 0 NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`result` text
);
--> statement-breakpoint
CREATE INDEX `investigations_started` ON `investigations` (`started_at`);--> statement-breakpoint
CREATE INDEX `investigations_alert` ON `investigations` (`alert_id`);