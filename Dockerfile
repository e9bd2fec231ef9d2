# syntax=docker/dockerfile:1
# kibo-sync image: the daemon by default; the same image also runs the bundled Kibo emulator
# (`node bin/kibo-sync.js emulator ...`, see docker-compose.yml). The runtime stage holds compiled JS only:
# bin/kibo-sync.js runs dist/src/main.js when there is no src/ next to it.

# ---- build: compile TypeScript (src/ and migrations/) to dist/ ----
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build && test -f dist/src/main.js && test -d dist/migrations

# ---- runtime: production dependencies, compiled JS, mappings and the sample ERP ----
FROM node:20-slim AS runtime
# tini reaps zombies and forwards SIGTERM, so the daemon's graceful shutdown runs on `docker stop`.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY mappings ./mappings
COPY sample-erp ./sample-erp
# The image's own user `node` (uid 1000) owns only the data directory; code stays root-owned and read-only to it.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
ENV MAPPINGS_DIR=/app/mappings \
    DATA_DIR=/app/data \
    PORT=9464
VOLUME ["/app/data"]
EXPOSE 9464
# Slim images have no curl: node's fetch asks /healthz (200 only while the state database answers).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 9464) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["tini", "--"]
CMD ["node", "bin/kibo-sync.js", "daemon"]
