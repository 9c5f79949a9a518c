// The index state contract on the embedded metadata store (dynalite), whose
// ensureTables creates the indexer's tables with the others.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { DynamoDbMetadataStore } from '../metadata-store/dynamodb/dynamodb.metadata-store.ts';
import { openMetadataStore } from '../metadata-store/open-metadata-store.ts';
import { DynamoDbIndexStateStore } from './dynamodb.index-state-store.ts';
import { indexStateContract } from './index-state.contract.ts';

const root = await mkdtemp(join(tmpdir(), 'meridian-index-state-'));
let opened = 0;
after(() => rm(root, { recursive: true, force: true }));

indexStateContract('dynalite', async () => {
  const metadata = await openMetadataStore({
    dataDir: join(root, `data-${++opened}`),
    metadataStore: { endpoint: undefined, region: 'us-east-1', tablePrefix: 'meridian', credentials: 'local' },
  });
  return { state: new DynamoDbIndexStateStore(metadata.store as DynamoDbMetadataStore), close: metadata.close };
});
