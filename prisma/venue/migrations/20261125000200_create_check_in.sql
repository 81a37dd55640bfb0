-- migrate:up
CREATE TABLE `CheckIn` (
  `venueId` BIGINT NOT NULL,
  `id` VARCHAR(36) NOT NULL,
  `userId` BIGINT NOT NULL,
  `cityCode` VARCHAR(16) NOT NULL,
  `source` VARCHAR(16) NOT NULL,
  `counted` BOOLEAN NOT NULL,
  `startedAt` DATETIME(3) NOT NULL,
  `expiresAt` DATETIME(3) NOT NULL,
  `endedAt` DATETIME(3) NULL,
  `minutes` INTEGER NULL,
  `endReason` VARCHAR(16) NULL,
  PRIMARY KEY (`venueId`, `id`),
  INDEX `CheckIn_venueId_startedAt_idx` (`venueId`, `startedAt`),
  INDEX `CheckIn_userId_startedAt_idx` (`userId`, `startedAt`),
  CONSTRAINT `CheckIn_venueId_fkey` FOREIGN KEY (`venueId`) REFERENCES `Venue` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- migrate:down
DROP TABLE `CheckIn`;
