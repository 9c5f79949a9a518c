// ../stac-search.test.ts, unchanged, on the OpenSearch catalog backend (see ../test-catalog.ts).
import { onOpenSearch } from '../test-catalog.ts';

await onOpenSearch('stac-search on OpenSearch', () => import('../stac-search.test.ts'));
