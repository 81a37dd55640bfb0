-- migrate:up
CREATE TABLE `QuietAlert` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `userId` BIGINT NOT NULL,
  `venueId` VARCHAR(191) NOT NULL,
  `venueName` VARCHAR(191) NOT NULL,
  `maxLevel` VARCHAR(16) NOT NULL,
  `templateId` VARCHAR(191) NOT NULL,
  `windowStart` DATETIME(3) NOT NULL,
  `windowEnd` DATETIME(3) NOT NULL,
  `status` VARCHAR(16) NOT NULL DEFAULT 'PENDING',
  `claimedAt` DATETIME(3) NULL,
  `attempts` INT NOT NULL DEFAULT 0,
  `lastErrcode` INT NULL,
  `sentAt` DATETIME(3) NULL,
  `sentLevel` VARCHAR(16) NULL,
  `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`id`),
  INDEX `QuietAlert_venueId_status_windowEnd_idx` (`venueId`, `status`, `windowEnd`),
  INDEX `QuietAlert_userId_status_idx` (`userId`, `status`),
  INDEX `QuietAlert_status_windowEnd_idx` (`status`, `windowEnd`),
  CONSTRAINT `QuietAlert_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE CASCADE ON UPDATE CASCADE
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- migrate:down
DROP TABLE `QuietAlert`;
