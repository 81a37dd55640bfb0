-- migrate:up
CREATE TABLE `User` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `openid` VARCHAR(191) NOT NULL,
  `unionid` VARCHAR(191) NULL,
  `nickname` VARCHAR(191) NULL,
  `avatarUrl` VARCHAR(191) NULL,
  `cityCode` VARCHAR(191) NULL,
  `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  `updatedAt` DATETIME(3) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE INDEX `User_openid_key` (`openid`),
  UNIQUE INDEX `User_unionid_key` (`unionid`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- migrate:down
DROP TABLE `User`;
