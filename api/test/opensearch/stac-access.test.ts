// ../stac-access.test.ts, unchanged, on the OpenSearch catalog backend (see ../test-catalog.ts).
import { onOpenSearch } from '../test-catalog.ts';

await onOpenSearch('stac-access on OpenSearch', () => import('../stac-access.test.ts'));
