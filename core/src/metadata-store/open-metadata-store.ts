// Wiring: the metadata store the configuration asks for, tables ensured. With no
// DYNAMODB_ENDPOINT that is the embedded DynamoDB API (dynalite) under
// DATA_DIR/metadata, started here and stopped by close().
import type { Config } from '../config/config.ts';
import { DynamoDbMetadataStore, LOCAL_CREDENTIALS } from './dynamodb/dynamodb.metadata-store.ts';
import { startEmbeddedDynamoDb } from './dynamodb/embedded-dynamodb.ts';
import type { MetadataStore } from './metadata-store.port.ts';

export interface OpenedMetadataStore {
  store: MetadataStore;
  /** Closes the store, then the embedded server if there is one. */
  close(): Promise<void>;
}

/** `now`: the store's clock in epoch milliseconds (session expiry, attempt windows); tests move it. */
export async function openMetadataStore(config: Pick<Config, 'dataDir' | 'metadataStore'>, options: { now?: () => number } = {}): Promise<OpenedMetadataStore> {
  const { endpoint, region, tablePrefix, credentials } = config.metadataStore;
  const embedded = endpoint === undefined ? await startEmbeddedDynamoDb({ dataDir: config.dataDir }) : undefined;
  const store = new DynamoDbMetadataStore({
    endpoint: embedded?.endpoint ?? endpoint?.href,
    region,
    credentials: credentials === 'local' ? LOCAL_CREDENTIALS : undefined,
    tablePrefix,
    now: options.now,
  });
  const close = async () => {
    try {
      await store.close();
    } finally {
      await embedded?.close();
    }
  };
  try {
    await store.ensureTables();
  } catch (error) {
    await close();
    throw error;
  }
  return { store, close };
}
