-- migrate:up
-- Issue 17 (docs/decisions/0021): user rows are sharded by user id RANGE. Ids come from the
-- application (no AUTO_INCREMENT: every shard would count on its own), no foreign keys (Prisma
-- keeps the relations: relationMode = "prisma"), and values looked up without the user id are
-- claimed globally in IdentityLookup, placed by a hash of the value.
ALTER TABLE `WechatSession` DROP FOREIGN KEY `WechatSession_userId_fkey`;
ALTER TABLE `OperatorCredential` DROP FOREIGN KEY `OperatorCredential_userId_fkey`;
ALTER TABLE `UserRole` DROP FOREIGN KEY `UserRole_userId_fkey`;
ALTER TABLE `OperatorVenue` DROP FOREIGN KEY `OperatorVenue_userId_fkey`;
ALTER TABLE `RefreshToken` DROP FOREIGN KEY `RefreshToken_userId_fkey`;
ALTER TABLE `PointsAccount` DROP FOREIGN KEY `PointsAccount_userId_fkey`;
ALTER TABLE `PointsEntry` DROP FOREIGN KEY `PointsEntry_userId_fkey`;
ALTER TABLE `CheckinDay` DROP FOREIGN KEY `CheckinDay_userId_fkey`;
ALTER TABLE `QuietAlert` DROP FOREIGN KEY `QuietAlert_userId_fkey`;
ALTER TABLE `User` MODIFY `id` BIGINT NOT NULL;
ALTER TABLE `RefreshToken` MODIFY `id` BIGINT NOT NULL;
ALTER TABLE `PointsEntry` MODIFY `id` BIGINT NOT NULL;
ALTER TABLE `QuietAlert` MODIFY `id` BIGINT NOT NULL;
CREATE TABLE `IdentityLookup` (
  `bucket` INT NOT NULL,
  `lookupKey` VARCHAR(191) NOT NULL,
  `userId` BIGINT NOT NULL,
  `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`bucket`, `lookupKey`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- migrate:down
DROP TABLE `IdentityLookup`;
ALTER TABLE `QuietAlert` MODIFY `id` BIGINT NOT NULL AUTO_INCREMENT;
ALTER TABLE `PointsEntry` MODIFY `id` BIGINT NOT NULL AUTO_INCREMENT;
ALTER TABLE `RefreshToken` MODIFY `id` BIGINT NOT NULL AUTO_INCREMENT;
ALTER TABLE `User` MODIFY `id` BIGINT NOT NULL AUTO_INCREMENT;
ALTER TABLE `WechatSession` ADD CONSTRAINT `WechatSession_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `OperatorCredential` ADD CONSTRAINT `OperatorCredential_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `UserRole` ADD CONSTRAINT `UserRole_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `OperatorVenue` ADD CONSTRAINT `OperatorVenue_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `RefreshToken` ADD CONSTRAINT `RefreshToken_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `PointsAccount` ADD CONSTRAINT `PointsAccount_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `PointsEntry` ADD CONSTRAINT `PointsEntry_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `CheckinDay` ADD CONSTRAINT `CheckinDay_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `QuietAlert` ADD CONSTRAINT `QuietAlert_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;
