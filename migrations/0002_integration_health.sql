CREATE TABLE `integration_health` (
	`integration` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`reason` text NOT NULL,
	`checked_at` text NOT NULL,
	`checks` text NOT NULL
);
