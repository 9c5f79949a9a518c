# Meridian's services run from TypeScript sources on Node 24 (type stripping), so
# the image is the workspace with production dependencies only — and the web
# app, built in a stage of its own with its build tools.
FROM node:24-bookworm-slim AS web
WORKDIR /app
COPY package.json package-lock.json ./
COPY core/package.json core/
COPY api/package.json api/
COPY indexer/package.json indexer/
COPY web/package.json web/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY core core
COPY indexer indexer
COPY web web
RUN npm run build -w web

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY core/package.json core/
COPY api/package.json api/
COPY indexer/package.json indexer/
COPY web/package.json web/
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY core core
COPY api api
COPY indexer indexer
# The api mounts the built web app (web/web-app.ts loads web/build).
COPY web/web-app.ts web/
COPY web/src/lib/server/web-context.ts web/src/lib/server/
COPY --from=web /app/web/build web/build
ENV HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
VOLUME /data
EXPOSE 3000
USER node
CMD ["node", "api/src/main.ts"]
