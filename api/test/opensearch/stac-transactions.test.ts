// ../stac-transactions.test.ts, unchanged, on the OpenSearch catalog backend (see ../test-catalog.ts).
import { onOpenSearch } from '../test-catalog.ts';

await onOpenSearch('stac-transactions on OpenSearch', () => import('../stac-transactions.test.ts'));
