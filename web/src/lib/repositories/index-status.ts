// A repository's index status as the API shows it (GET …/index and its events).
export interface IndexStatusView {
  repository: string;
  state: 'queued' | 'crawling' | 'indexed' | 'failed';
  counts: { seen: number; indexed: number; invalid: number; failed: number };
  progress?: { phase: 'listing' | 'stac' | 'files' | 'cleaning'; listed: number; read: number; toRead: number };
  startedAt?: string;
  lastCrawledAt?: string;
  reindexRequested: boolean;
  problemCount: number;
  /** The validation report: to maintainers and up only. */
  problems?: { path: string; message: string; pointer?: string; kind: 'invalid' | 'failed' }[];
  error?: string;
  updatedAt: string;
}

export const STATE_LABELS: Record<IndexStatusView['state'], string> = {
  queued: 'Waiting to be indexed',
  crawling: 'Indexing',
  indexed: 'Indexed',
  failed: 'Indexing failed',
};

export const PHASE_LABELS: Record<NonNullable<IndexStatusView['progress']>['phase'], string> = {
  listing: 'listing the files',
  stac: 'reading STAC documents',
  files: 'reading file headers',
  cleaning: 'removing what deleted files made',
};
