-- migrate:up
CREATE TABLE `City` (
  `code` VARCHAR(16) NOT NULL,
  `name` VARCHAR(191) NOT NULL,
  `timeZone` VARCHAR(191) NOT NULL,
  PRIMARY KEY (`code`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `Venue` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `cityCode` VARCHAR(16) NOT NULL,
  `slug` VARCHAR(64) NOT NULL,
  `name` VARCHAR(191) NOT NULL,
  `address` VARCHAR(191) NOT NULL,
  `lat` DOUBLE NOT NULL,
  `lng` DOUBLE NOT NULL,
  `sports` JSON NOT NULL,
  `capacity` INTEGER NULL,
  `timeZone` VARCHAR(191) NOT NULL,
  `openingHours` JSON NOT NULL,
  `checkinRadiusM` INTEGER NOT NULL DEFAULT 200,
  `typicalStayMin` INTEGER NOT NULL DEFAULT 90,
  `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  `updatedAt` DATETIME(3) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE INDEX `Venue_cityCode_slug_key` (`cityCode`, `slug`),
  INDEX `Venue_cityCode_id_idx` (`cityCode`, `id`),
  CONSTRAINT `Venue_cityCode_fkey` FOREIGN KEY (`cityCode`) REFERENCES `City` (`code`) ON DELETE RESTRICT ON UPDATE CASCADE
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `OccupancySample` (
  `venueId` BIGINT NOT NULL,
  `at` DATETIME(3) NOT NULL,
  `count` INTEGER NOT NULL,
  `source` VARCHAR(16) NOT NULL,
  PRIMARY KEY (`venueId`, `at`),
  CONSTRAINT `OccupancySample_venueId_fkey` FOREIGN KEY (`venueId`) REFERENCES `Venue` (`id`) ON DELETE CASCADE ON UPDATE CASCADE
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- migrate:down
DROP TABLE `OccupancySample`;
DROP TABLE `Venue`;
DROP TABLE `City`;
