-- migrate:up
-- Issue 17 (docs/decisions/0021): venues and cities are sharded by region (city code), the
-- venue-owned rows by venue id HASH. Ids come from the application (no AUTO_INCREMENT) and no
-- foreign key spans shards (Prisma keeps the relations: relationMode = "prisma").
ALTER TABLE `Venue` DROP FOREIGN KEY `Venue_cityCode_fkey`;
ALTER TABLE `OccupancySample` DROP FOREIGN KEY `OccupancySample_venueId_fkey`;
ALTER TABLE `CheckIn` DROP FOREIGN KEY `CheckIn_venueId_fkey`;
ALTER TABLE `BookingSlot` DROP FOREIGN KEY `BookingSlot_venueId_fkey`;
ALTER TABLE `Booking` DROP FOREIGN KEY `Booking_venueId_fkey`;
ALTER TABLE `Booking` DROP FOREIGN KEY `Booking_slotId_fkey`;
ALTER TABLE `Venue` MODIFY `id` BIGINT NOT NULL;
ALTER TABLE `BookingSlot` MODIFY `id` BIGINT NOT NULL;
ALTER TABLE `Booking` MODIFY `id` BIGINT NOT NULL;
ALTER TABLE `OutboxEvent` MODIFY `seq` BIGINT NOT NULL;

-- migrate:down
ALTER TABLE `OutboxEvent` MODIFY `seq` BIGINT NOT NULL AUTO_INCREMENT;
ALTER TABLE `Booking` MODIFY `id` BIGINT NOT NULL AUTO_INCREMENT;
ALTER TABLE `BookingSlot` MODIFY `id` BIGINT NOT NULL AUTO_INCREMENT;
ALTER TABLE `Venue` MODIFY `id` BIGINT NOT NULL AUTO_INCREMENT;
ALTER TABLE `Venue` ADD CONSTRAINT `Venue_cityCode_fkey` FOREIGN KEY (`cityCode`) REFERENCES `City` (`code`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `OccupancySample` ADD CONSTRAINT `OccupancySample_venueId_fkey` FOREIGN KEY (`venueId`) REFERENCES `Venue` (`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `CheckIn` ADD CONSTRAINT `CheckIn_venueId_fkey` FOREIGN KEY (`venueId`) REFERENCES `Venue` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `BookingSlot` ADD CONSTRAINT `BookingSlot_venueId_fkey` FOREIGN KEY (`venueId`) REFERENCES `Venue` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `Booking` ADD CONSTRAINT `Booking_venueId_fkey` FOREIGN KEY (`venueId`) REFERENCES `Venue` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE `Booking` ADD CONSTRAINT `Booking_slotId_fkey` FOREIGN KEY (`slotId`) REFERENCES `BookingSlot` (`id`) ON DELETE RESTRICT ON UPDATE CASCADE;
