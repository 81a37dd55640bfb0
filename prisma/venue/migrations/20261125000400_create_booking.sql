-- migrate:up
CREATE TABLE `BookingSlot` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `venueId` BIGINT NOT NULL,
  `resource` VARCHAR(64) NOT NULL,
  `startsAt` DATETIME(3) NOT NULL,
  `endsAt` DATETIME(3) NOT NULL,
  `capacity` INTEGER NOT NULL,
  `booked` INTEGER NOT NULL DEFAULT 0,
  `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`id`),
  UNIQUE INDEX `BookingSlot_venueId_resource_startsAt_key` (`venueId`, `resource`, `startsAt`),
  INDEX `BookingSlot_venueId_startsAt_idx` (`venueId`, `startsAt`),
  CONSTRAINT `BookingSlot_venueId_fkey` FOREIGN KEY (`venueId`) REFERENCES `Venue` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `Booking` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `venueId` BIGINT NOT NULL,
  `slotId` BIGINT NOT NULL,
  `userId` BIGINT NOT NULL,
  `status` VARCHAR(16) NOT NULL,
  `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  `updatedAt` DATETIME(3) NOT NULL,
  `confirmedAt` DATETIME(3) NOT NULL,
  `cancelledAt` DATETIME(3) NULL,
  PRIMARY KEY (`id`),
  UNIQUE INDEX `Booking_venueId_slotId_userId_key` (`venueId`, `slotId`, `userId`),
  INDEX `Booking_slotId_idx` (`slotId`),
  INDEX `Booking_userId_createdAt_idx` (`userId`, `createdAt`),
  CONSTRAINT `Booking_venueId_fkey` FOREIGN KEY (`venueId`) REFERENCES `Venue` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT `Booking_slotId_fkey` FOREIGN KEY (`slotId`) REFERENCES `BookingSlot` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- migrate:down
DROP TABLE `Booking`;
DROP TABLE `BookingSlot`;
