-- migrate:up
CREATE TABLE `OutboxEvent` (
  `seq` BIGINT NOT NULL AUTO_INCREMENT,
  `id` VARCHAR(36) NOT NULL,
  `venueId` BIGINT NOT NULL,
  `topic` VARCHAR(128) NOT NULL,
  `msgKey` VARCHAR(64) NOT NULL,
  `payload` TEXT NOT NULL,
  `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  `publishedAt` DATETIME(3) NULL,
  PRIMARY KEY (`seq`),
  UNIQUE INDEX `OutboxEvent_id_key` (`id`),
  INDEX `OutboxEvent_publishedAt_seq_idx` (`publishedAt`, `seq`),
  INDEX `OutboxEvent_venueId_seq_idx` (`venueId`, `seq`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- migrate:down
DROP TABLE `OutboxEvent`;
