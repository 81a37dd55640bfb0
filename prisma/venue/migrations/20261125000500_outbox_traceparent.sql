-- migrate:up
ALTER TABLE `OutboxEvent` ADD COLUMN `traceparent` VARCHAR(55) NULL;

-- migrate:down
ALTER TABLE `OutboxEvent` DROP COLUMN `traceparent`;
