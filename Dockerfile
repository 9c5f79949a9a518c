# Meridian's services run from TypeScript sources on Node 24 (type stripping), so
# the image is the workspace with production dependencies only.
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
ENV HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
VOLUME /data
EXPOSE 3000
USER node
CMD ["node", "api/src/main.ts"]
