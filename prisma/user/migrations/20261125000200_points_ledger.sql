-- migrate:up
CREATE TABLE `PointsAccount` (
  `userId` BIGINT NOT NULL,
  `balance` INTEGER NOT NULL DEFAULT 0,
  `lifetimeEarned` INTEGER NOT NULL DEFAULT 0,
  `streakCurrent` INTEGER NOT NULL DEFAULT 0,
  `streakLongest` INTEGER NOT NULL DEFAULT 0,
  `streakLastDay` DATE NULL,
  `updatedAt` DATETIME(3) NOT NULL,
  PRIMARY KEY (`userId`),
  CONSTRAINT `PointsAccount_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `PointsEntry` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `userId` BIGINT NOT NULL,
  `delta` INTEGER NOT NULL,
  `kind` VARCHAR(16) NOT NULL,
  `reason` VARCHAR(191) NOT NULL,
  `idempotencyKey` VARCHAR(191) NOT NULL,
  `balanceAfter` INTEGER NOT NULL,
  `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`id`),
  UNIQUE INDEX `PointsEntry_userId_idempotencyKey_key` (`userId`, `idempotencyKey`),
  INDEX `PointsEntry_userId_id_idx` (`userId`, `id`),
  CONSTRAINT `PointsEntry_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `CheckinDay` (
  `userId` BIGINT NOT NULL,
  `day` DATE NOT NULL,
  `awarded` INTEGER NOT NULL,
  PRIMARY KEY (`userId`, `day`),
  CONSTRAINT `CheckinDay_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- migrate:down
DROP TABLE `CheckinDay`;
DROP TABLE `PointsEntry`;
DROP TABLE `PointsAccount`;
