// ../stac-clients.test.ts, unchanged, on the OpenSearch catalog backend (see ../test-catalog.ts).
import { onOpenSearch } from '../test-catalog.ts';

await onOpenSearch('stac-clients on OpenSearch', () => import('../stac-clients.test.ts'));
