# One-shot: applies the SQL migrations of every MariaDB/MySQL-owning subgraph, then exits.
FROM node:24-bookworm-slim
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && bash scripts/setup.sh
CMD ["node", "scripts/migrate.ts"]
