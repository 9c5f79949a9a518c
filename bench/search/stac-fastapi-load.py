"""Loads STAC items, one JSON object a line on stdin, into stac-fastapi-opensearch
through its own database logic: the serializer and bulk method its
/collections/{id}/bulk_items endpoint runs, without the HTTP round trip and the
per-item collection check (one request per item, which the benchmark's loader of
Meridian does once per batch). Run by bench/search/opensearch.ts in the
stac-fastapi venv, with its ES_* and STAC_* variables set; the collections exist.

    python stac-fastapi-load.py BATCH CONCURRENCY < items.ndjson

Up to CONCURRENCY batches are bulk-indexed at once (threads: the sync client's
connection pool is thread-safe), as the benchmark's loader of Meridian keeps as
many upsertItems calls in flight. Prints one JSON line at the end: {"items": N}.
"""
import json
import sys
from concurrent.futures import ThreadPoolExecutor

from stac_fastapi.opensearch.database_logic import DatabaseLogic

BASE_URL = "http://127.0.0.1/"


def main() -> None:
    batch, concurrency = int(sys.argv[1]), int(sys.argv[2])
    database = DatabaseLogic()
    serializer = database.item_serializer
    pending: dict[str, list] = {}

    def index(collection: str, items: list) -> int:
        prepped = [serializer.stac_to_db(item, BASE_URL) for item in items]
        # op_type "index": an upsert, as Meridian's upsertItems; no refresh, as its bulk load.
        success, errors = database.bulk_sync(collection, prepped, op_type="index", refresh=False)
        if errors:
            raise RuntimeError(f"stac-fastapi bulk: {len(errors)} errors, first: {json.dumps(errors[0])[:500]}")
        return success

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = []

        def flush(collection: str) -> None:
            futures.append(pool.submit(index, collection, pending.pop(collection)))
            # Bounded: no more batches queued than are being indexed.
            while sum(1 for f in futures if not f.done()) > concurrency:
                next(f for f in futures if not f.done()).result()

        for line in sys.stdin:
            item = json.loads(line)
            collection = item["collection"]
            pending.setdefault(collection, []).append(item)
            if len(pending[collection]) >= batch:
                flush(collection)
        for collection in list(pending):
            flush(collection)
        loaded = sum(f.result() for f in futures)
    print(json.dumps({"items": loaded}), flush=True)


main()
