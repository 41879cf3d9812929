CREATE TABLE `audit_ledger` (
	`seq` integer PRIMARY KEY NOT NULL,
	`time` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target` text,
	`scope` text,
	`outcome` text NOT NULL,
	`details` text NOT NULL,
	`args_hash` text,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_ledger_time` ON `audit_ledger` (`time`);