# Production image of the fraud-verification service (the default, last target: runtime) and, as the
# sms-sandbox target, the SMS sandbox that docker-compose runs beside it.
# NODE_IMAGE: the official image by default; where no registry is reachable, CI passes the local one
# that scripts/container/base-images.sh builds.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the build needs only the compiler; the pinned `node` package's binary is not used here.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS production-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# The SMS sandbox (Pinpoint SMS Voice v2 wire protocol) for the compose stack; never deployed.
# Node.js 24 runs its TypeScript directly (type stripping); it needs only the SNS client.
FROM ${NODE_IMAGE} AS sms-sandbox
WORKDIR /app
COPY --from=production-deps /app/node_modules ./node_modules
COPY package.json ./
COPY dev/sms-sandbox ./dev/sms-sandbox
# The sandbox counts message parts as the service does (its carrier rate limit).
COPY src/domain/sms-segments.ts ./src/domain/sms-segments.ts
USER node
EXPOSE 4577
HEALTHCHECK --interval=5s --timeout=2s --start-period=10s --retries=10 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.SMS_SANDBOX_PORT||4577)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--disable-warning=ExperimentalWarning", "dev/sms-sandbox/main.ts"]

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Bounded heap: the service keeps no state in memory, and an unbounded V8 heap grows to ~300 MiB under load.
CMD ["node", "--max-old-space-size=96", "--max-semi-space-size=8", "dist/main.js"]
