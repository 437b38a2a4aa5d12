-- Titles already shared within a project (named before this rule) are told apart first: each but the
-- earliest-made gains the date of its first event and its id, which no other issue has.
UPDATE `issues` SET `title` = `title` || ' (since ' || strftime('%Y-%m-%d', `first_seen` / 1000, 'unixepoch') || ', ' || `id` || ')'
WHERE EXISTS (SELECT 1 FROM `issues` o WHERE o.`project_id` = `issues`.`project_id` AND o.`title` = `issues`.`title`
	AND (o.`created_at` < `issues`.`created_at` OR (o.`created_at` = `issues`.`created_at` AND o.`id` < `issues`.`id`)));--> statement-breakpoint
CREATE UNIQUE INDEX `issues_project_title_idx` ON `issues` (`project_id`,`title`);
