-- migrate:up
-- Console-only accounts (operators, admins) have no WeChat identity.
ALTER TABLE `User` MODIFY `openid` VARCHAR(191) NULL;

CREATE TABLE `WechatSession` (
  `userId` BIGINT NOT NULL,
  `sessionKeyCipher` VARCHAR(191) NOT NULL,
  `updatedAt` DATETIME(3) NOT NULL,
  PRIMARY KEY (`userId`),
  CONSTRAINT `WechatSession_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE CASCADE ON UPDATE CASCADE
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `OperatorCredential` (
  `userId` BIGINT NOT NULL,
  `username` VARCHAR(64) NOT NULL,
  `phone` VARCHAR(32) NULL,
  `passwordHash` VARCHAR(191) NOT NULL,
  `failedAttempts` INTEGER NOT NULL DEFAULT 0,
  `lockedUntil` DATETIME(3) NULL,
  `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  `updatedAt` DATETIME(3) NOT NULL,
  PRIMARY KEY (`userId`),
  UNIQUE INDEX `OperatorCredential_username_key` (`username`),
  UNIQUE INDEX `OperatorCredential_phone_key` (`phone`),
  CONSTRAINT `OperatorCredential_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE CASCADE ON UPDATE CASCADE
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `UserRole` (
  `userId` BIGINT NOT NULL,
  `role` VARCHAR(16) NOT NULL,
  `grantedBy` BIGINT NULL,
  `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`userId`, `role`),
  CONSTRAINT `UserRole_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE CASCADE ON UPDATE CASCADE
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `OperatorVenue` (
  `userId` BIGINT NOT NULL,
  `venueId` BIGINT NOT NULL,
  `grantedBy` BIGINT NULL,
  `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`userId`, `venueId`),
  CONSTRAINT `OperatorVenue_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE CASCADE ON UPDATE CASCADE
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- migrate:down
DROP TABLE `OperatorVenue`;
DROP TABLE `UserRole`;
DROP TABLE `OperatorCredential`;
DROP TABLE `WechatSession`;
ALTER TABLE `User` MODIFY `openid` VARCHAR(191) NOT NULL;
