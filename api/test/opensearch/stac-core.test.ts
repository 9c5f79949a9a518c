// ../stac-core.test.ts, unchanged, on the OpenSearch catalog backend (see ../test-catalog.ts).
import { onOpenSearch } from '../test-catalog.ts';

await onOpenSearch('stac-core on OpenSearch', () => import('../stac-core.test.ts'));
