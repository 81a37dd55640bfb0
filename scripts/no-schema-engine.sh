#!/bin/sh
# Prisma's native schema engine cannot be downloaded here; nothing we run needs it
# (migrations are plain SQL applied by dbmate). `prisma generate` only checks the file exists.
echo "schema engine unavailable; use the migration runner (npm run migrate)" >&2
exit 1
