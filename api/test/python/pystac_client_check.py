"""Checks a STAC API through pystac-client against a brute-force evaluation.

    python pystac_client_check.py <stac root url> <catalog.json>

catalog.json holds every collection and item loaded into the API, as
{"collections": [...], "items": {"<collection id>": [...]}}. Each search is run
through pystac-client and also evaluated here, in plain Python, over those
documents: footprints are convex polygons (the test data's are rectangles)
intersected by the separating-axis test, datetimes are intervals
[start_datetime or datetime, end_datetime or datetime] that a search range must
overlap, and CQL2 JSON is interpreted directly. Result ids are compared, and the
order too where the search is sorted. Prints one line per check; exits 1 on any
mismatch.
"""

import json
import math
import operator
import re
import sys
import traceback
import warnings
from datetime import datetime

from pystac_client import Client

# ---------------------------------------------------------------------------
# Brute force


def parse_time(text):
    return datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00")) if text else None


def time_range(item):
    p = item["properties"]
    start = parse_time(p.get("start_datetime")) or parse_time(p.get("datetime"))
    end = parse_time(p.get("end_datetime")) or parse_time(p.get("datetime"))
    return start, end


def polygons(geometry):
    """A geometry as a list of convex vertex lists (points and segments are degenerate polygons)."""
    kind, coords = geometry["type"], geometry.get("coordinates")
    if kind == "Point":
        return [[coords]]
    if kind == "MultiPoint":
        return [[c] for c in coords]
    if kind == "LineString":
        return [[a, b] for a, b in zip(coords, coords[1:])]
    if kind == "Polygon":
        return [coords[0][:-1]]
    if kind == "MultiPolygon":
        return [p[0][:-1] for p in coords]
    if kind == "GeometryCollection":
        return [p for g in geometry["geometries"] for p in polygons(g)]
    raise ValueError(f"unsupported geometry {kind}")


def bbox_geometry(w, s, e, n):
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


def convex_intersect(a, b):
    """Separating-axis test for two closed convex polygons given as vertex lists."""
    for poly in (a, b):
        for i in range(len(poly)):
            (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % len(poly)]
            axis = (y1 - y2, x2 - x1)
            if axis == (0, 0):
                continue
            pa = [axis[0] * x + axis[1] * y for x, y in a]
            pb = [axis[0] * x + axis[1] * y for x, y in b]
            if max(pa) < min(pb) or max(pb) < min(pa):
                return False
    return True


def intersects(geometry, item):
    """Query geometries used here are convex pieces; item footprints are rectangles (convex)."""
    if item.get("geometry") is None:
        return False
    return any(convex_intersect(q, f) for q in polygons(geometry) for f in polygons(item["geometry"]))


def overlaps(item, start, end):
    first, last = time_range(item)
    return (end is None or first <= end) and (start is None or last >= start)


def value(node, item):
    if isinstance(node, dict):
        if "property" in node:
            name = node["property"]
            if name in ("id", "collection"):
                return item.get(name)
            if name == "datetime":
                return parse_time(item["properties"].get("datetime"))
            return item["properties"].get(name)
        if "timestamp" in node:
            return parse_time(node["timestamp"])
        if node.get("op") == "casei":
            inner = value(node["args"][0], item)
            return inner.lower() if isinstance(inner, str) else inner
    return node


def kind(v):
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    return type(v).__name__


COMPARE = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def evaluate(expr, item):
    """CQL2 JSON over one item. Missing values and mismatched types make a comparison false."""
    if isinstance(expr, bool):
        return expr
    op, args = expr["op"], expr["args"]
    if op == "and":
        return all(evaluate(a, item) for a in args)
    if op == "or":
        return any(evaluate(a, item) for a in args)
    if op == "not":
        return not evaluate(args[0], item)
    if op in COMPARE:
        left, right = value(args[0], item), value(args[1], item)
        return left is not None and right is not None and kind(left) == kind(right) and COMPARE[op](left, right)
    if op == "between":
        v, lo, hi = (value(a, item) for a in args)
        return kind(v) == "number" and lo <= v <= hi
    if op == "in":
        v = value(args[0], item)
        return v is not None and any(kind(v) == kind(x) and v == x for x in args[1])
    if op == "like":
        v = value(args[0], item)
        pattern = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in args[1])
        return isinstance(v, str) and re.fullmatch(pattern, v, re.S) is not None
    if op == "isNull":
        return value(args[0], item) is None
    if op == "s_intersects":
        return intersects(args[1], item)
    if op == "t_intersects":
        start, end = (parse_time(b) if b != ".." else None for b in args[1]["interval"])
        return overlaps(item, start, end)
    if op in ("a_contains", "a_overlaps"):
        v = value(args[0], item)
        if not isinstance(v, list):
            return False
        return set(args[1]) <= set(v) if op == "a_contains" else bool(set(args[1]) & set(v))
    raise ValueError(f"the brute force does not know {op}")


# ---------------------------------------------------------------------------
# Checks


class Checks:
    def __init__(self, client, items):
        self.client = client
        self.items = items
        self.by_id = {(i["collection"], i["id"]): i for i in items}
        self.passed = 0
        self.failed = 0

    def report(self, name, problems, detail=""):
        if problems:
            self.failed += 1
            print(f"FAIL  {name}")
            for p in problems:
                print(f"        {p}")
        else:
            self.passed += 1
            print(f"ok    {name}{' — ' + detail if detail else ''}")

    def run(self, name, fn):
        try:
            fn(name)
        except Exception:
            self.report(name, [traceback.format_exc().strip().replace("\n", "\n        ")])

    @staticmethod
    def key(item):
        return item["collection"], item["id"]

    def compare_ids(self, got, expected):
        problems = []
        got_keys = [self.key(i) for i in got]
        if len(set(got_keys)) != len(got_keys):
            dupes = sorted({k for k in got_keys if got_keys.count(k) > 1})
            problems.append(f"duplicates: {dupes}")
        missing = {self.key(i) for i in expected} - set(got_keys)
        extra = set(got_keys) - {self.key(i) for i in expected}
        if missing:
            problems.append(f"missing {len(missing)}: {sorted(missing)[:10]}")
        if extra:
            problems.append(f"unexpected {len(extra)}: {sorted(extra)[:10]}")
        return problems

    def search(self, name, expected_fn, order=None, **params):
        """Runs a search; compares ids (all pages), numberMatched and, given `order`, the sequence of sort keys."""
        expected = [i for i in self.items if expected_fn(i)]
        search = self.client.search(**params)
        got = list(search.items_as_dicts())
        problems = self.compare_ids(got, expected)
        matched = search.matched()
        if matched != len(expected):
            problems.append(f"numberMatched {matched}, expected {len(expected)}")
        if order is not None and not problems:
            stored = [self.by_id[self.key(i)] for i in got]
            got_keys = [order(i) for i in stored]
            want_keys = [order(i) for i in sorted(expected, key=order)]
            if got_keys != want_keys:
                first = next(n for n, (a, b) in enumerate(zip(got_keys, want_keys)) if a != b)
                problems.append(f"order differs from position {first}: got {got_keys[first:first + 3]}, expected {want_keys[first:first + 3]}")
        if not expected:
            problems.append("the check is vacuous: nothing is expected to match")
        self.report(name, problems, f"{len(got)} items")
        return got


def epoch(text):
    return parse_time(text).timestamp()


def main():
    url, catalog_path = sys.argv[1], sys.argv[2]
    with open(catalog_path) as f:
        catalog = json.load(f)
    items = [item for c in catalog["collections"] for item in catalog["items"][c["id"]]]
    collection_ids = [c["id"] for c in catalog["collections"]]
    searchable = [cid for cid in collection_ids if catalog["items"][cid]]
    first, second = searchable[0], searchable[1]

    # pystac-client warns (and carries on) when the API lacks a conformance class or numberMatched.
    warnings.filterwarnings("error", module="pystac_client")
    client = Client.open(url)
    c = Checks(client, items)
    print(f"pystac-client against {url}: {len(items)} items in {len(collection_ids)} collections")

    # Collections
    def collections(name):
        got = {col.id: col for col in client.get_collections()}
        problems = []
        if sorted(got) != sorted(collection_ids):
            problems.append(f"collections {sorted(got)}, expected {sorted(collection_ids)}")
        for doc in catalog["collections"]:
            col = got.get(doc["id"])
            if col and (col.title != doc["title"] or col.description != doc["description"]
                        or col.extent.spatial.bboxes != doc["extent"]["spatial"]["bbox"]):
                problems.append(f"collection {doc['id']} differs from what was loaded")
        c.report(name, problems, f"{len(got)} collections")

    c.run("list collections", collections)

    def collection_items(name):
        col = client.get_collection(second)
        got = [i.to_dict() for i in col.get_items()]
        problems = c.compare_ids(got, catalog["items"][second])
        item = col.get_item(catalog["items"][second][5]["id"])
        if item is None or item.properties != catalog["items"][second][5]["properties"]:
            problems.append("get_item returned a different item")
        c.report(name, problems, f"{len(got)} items over the items endpoint's pages")

    c.run(f"items of {second} (Features endpoint)", collection_items)

    # ids and collections
    some = [items[3], items[70], items[100]]
    c.run("ids", lambda n: c.search(n, lambda i: c.key(i) in {c.key(s) for s in some}, ids=[s["id"] for s in some]))
    c.run("collections", lambda n: c.search(n, lambda i: i["collection"] == second, collections=[second], limit=100))

    # bbox
    for method in ("GET", "POST"):
        for box in ([20.1, 20.1, 20.9, 20.9], [-5.1, 0.1, 10.1, 15.1], [30.1, -9.9, 39.9, 5.1]):
            geometry = bbox_geometry(*box)
            c.run(f"bbox {box} {method}", lambda n, g=geometry, b=box, m=method: c.search(
                n, lambda i: intersects(g, i), bbox=b, method=m, limit=50))
    c.run("bbox and collections", lambda n: c.search(
        n, lambda i: i["collection"] == first and intersects(bbox_geometry(0.1, 0.1, 25.1, 25.1), i),
        bbox=[0.1, 0.1, 25.1, 25.1], collections=[first], method="GET"))

    # intersects: a point, a slanted triangle, a multipolygon, a line
    shapes = {
        "point": {"type": "Point", "coordinates": [20.4, 20.6]},
        "triangle": {"type": "Polygon", "coordinates": [[[-10.1, 0.1], [15.1, 5.1], [0.1, 30.1], [-10.1, 0.1]]]},
        "multipolygon": {"type": "MultiPolygon", "coordinates": [
            [[[30.1, 30.1], [38.9, 30.1], [38.9, 38.9], [30.1, 38.9], [30.1, 30.1]]],
            [[[-19.9, -9.9], [-12.1, -9.9], [-12.1, -2.1], [-19.9, -9.9]]],
        ]},
        "linestring": {"type": "LineString", "coordinates": [[-20.1, 40.1], [40.1, -10.1]]},
    }
    for label, geometry in shapes.items():
        for method in ("GET", "POST"):
            c.run(f"intersects {label} {method}", lambda n, g=geometry, m=method: c.search(
                n, lambda i: intersects(g, i), intersects=g, method=m, limit=100))

    # datetime
    instant = items[7]["properties"]["datetime"]
    ranged = next(i for i in items if i["properties"].get("datetime") is None)
    inside_range = parse_time(ranged["properties"]["start_datetime"]).replace(hour=12, minute=0, second=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    windows = {
        f"instant {instant}": (instant, instant),
        f"inside the range of {ranged['id']} (no datetime)": (inside_range, inside_range),
        "2021-03-01/2021-08-31": ("2021-03-01T00:00:00Z", "2021-08-31T23:59:59Z"),
        "../2020-06-30": ("..", "2020-06-30T23:59:59Z"),
        "2023-07-01/..": ("2023-07-01T00:00:00Z", ".."),
    }
    for label, (start, end) in windows.items():
        lo, hi = (parse_time(start) if start != ".." else None), (parse_time(end) if end != ".." else None)
        value_ = start if start == end else f"{start}/{end}"
        for method in ("GET", "POST"):
            c.run(f"datetime {label} {method}", lambda n, v=value_, a=lo, b=hi, m=method: c.search(
                n, lambda i: overlaps(i, a, b), datetime=v, method=m, limit=100))

    # filter, in CQL2 JSON (POST) and CQL2 text (GET and POST); the brute force reads the JSON
    triangle = shapes["triangle"]
    filters = [
        ("eo:cloud_cover < 30 AND platform = 'landsat-8'",
         {"op": "and", "args": [{"op": "<", "args": [{"property": "eo:cloud_cover"}, 30]},
                                {"op": "=", "args": [{"property": "platform"}, "landsat-8"]}]}),
        ("platform LIKE 'sentinel%' OR eo:cloud_cover BETWEEN 40 AND 45",
         {"op": "or", "args": [{"op": "like", "args": [{"property": "platform"}, "sentinel%"]},
                               {"op": "between", "args": [{"property": "eo:cloud_cover"}, 40, 45]}]}),
        (f"collection = '{second}' AND NOT (eo:cloud_cover >= 50)",
         {"op": "and", "args": [{"op": "=", "args": [{"property": "collection"}, second]},
                                {"op": "not", "args": [{"op": ">=", "args": [{"property": "eo:cloud_cover"}, 50]}]}]}),
        ("platform IN ('landsat-9', 'sentinel-2b') AND gsd <> 10",
         {"op": "and", "args": [{"op": "in", "args": [{"property": "platform"}, ["landsat-9", "sentinel-2b"]]},
                                {"op": "<>", "args": [{"property": "gsd"}, 10]}]}),
        ("A_CONTAINS(instruments, ('tirs'))",
         {"op": "a_contains", "args": [{"property": "instruments"}, ["tirs"]]}),
        ("CASEI(platform) = CASEI('LANDSAT-9')",
         {"op": "=", "args": [{"op": "casei", "args": [{"property": "platform"}]}, {"op": "casei", "args": ["LANDSAT-9"]}]}),
        ("S_INTERSECTS(geometry, POLYGON((-10.1 0.1, 15.1 5.1, 0.1 30.1, -10.1 0.1))) AND "
         "T_INTERSECTS(datetime, INTERVAL('2021-01-01T00:00:00Z', '2022-06-30T00:00:00Z'))",
         {"op": "and", "args": [
             {"op": "s_intersects", "args": [{"property": "geometry"}, triangle]},
             {"op": "t_intersects", "args": [{"property": "datetime"},
                                             {"interval": ["2021-01-01T00:00:00Z", "2022-06-30T00:00:00Z"]}]}]}),
        (f"collection = '{first}' AND datetime >= TIMESTAMP('2022-01-01T00:00:00Z')",
         {"op": "and", "args": [{"op": "=", "args": [{"property": "collection"}, first]},
                                {"op": ">=", "args": [{"property": "datetime"}, {"timestamp": "2022-01-01T00:00:00Z"}]}]}),
        ("eo:cloud_cover IS NULL OR id = 'a-001'",
         {"op": "or", "args": [{"op": "isNull", "args": [{"property": "eo:cloud_cover"}]},
                               {"op": "=", "args": [{"property": "id"}, "a-001"]}]}),
    ]
    for text, tree in filters:
        predicate = lambda i, t=tree: evaluate(t, i)  # noqa: E731
        c.run(f"filter cql2-json POST: {text}", lambda n, t=tree, p=predicate: c.search(
            n, p, filter=t, filter_lang="cql2-json", method="POST", limit=100))
        c.run(f"filter cql2-text GET: {text}", lambda n, t=text, p=predicate: c.search(
            n, p, filter=t, filter_lang="cql2-text", method="GET", limit=100))
    c.run(f"filter cql2-text POST: {filters[0][0]}", lambda n: c.search(
        n, lambda i: evaluate(filters[0][1], i), filter=filters[0][0], filter_lang="cql2-text", method="POST"))

    # query extension
    queries = [
        ({"eo:cloud_cover": {"lt": 20}}, lambda i: i["properties"]["eo:cloud_cover"] < 20),
        ({"eo:cloud_cover": {"gte": 90}, "platform": {"eq": "sentinel-2a"}},
         lambda i: i["properties"]["eo:cloud_cover"] >= 90 and i["properties"]["platform"] == "sentinel-2a"),
        ({"platform": {"startsWith": "landsat"}, "gsd": {"neq": 10}},
         lambda i: i["properties"]["platform"].startswith("landsat") and i["properties"]["gsd"] != 10),
        ({"platform": {"in": ["landsat-9", "sentinel-2b"]}}, lambda i: i["properties"]["platform"] in ("landsat-9", "sentinel-2b")),
    ]
    for query, predicate in queries:
        for method in ("GET", "POST"):
            c.run(f"query {json.dumps(query)} {method}", lambda n, q=query, p=predicate, m=method: c.search(
                n, p, query=q, method=m, limit=100))

    # sortby: every order is total (ids break ties), so the sequence of keys is compared
    def by_cloud_desc_id(i):
        return (-i["properties"]["eo:cloud_cover"], i["id"])

    def by_platform_datetime_desc(i):
        return (i["properties"]["platform"], -epoch(i["properties"]["datetime"]), i["id"])

    for method in ("GET", "POST"):
        c.run(f"sortby -eo:cloud_cover,+id {method}", lambda n, m=method: c.search(
            n, lambda i: i["collection"] == second, order=by_cloud_desc_id, collections=[second],
            sortby="-eo:cloud_cover,+id", method=m, limit=13))
        c.run(f"sortby +platform,-datetime,+id {method}", lambda n, m=method: c.search(
            n, lambda i: i["collection"] == first, order=by_platform_datetime_desc, collections=[first],
            sortby=[{"field": "properties.platform", "direction": "asc"}, {"field": "datetime", "direction": "desc"},
                    {"field": "id", "direction": "asc"}], method=m, limit=100))

    # fields
    def fields_check(name, method, fields, expect):
        search = client.search(collections=[first], fields=fields, method=method, limit=5, max_items=5)
        got = list(search.items_as_dicts())
        problems = [] if got else ["no items"]
        for item in got:
            stored = c.by_id[c.key(item)]
            problems += [f"{item['id']}: {p}" for p in expect(item, stored)]
        c.report(name, problems[:10], f"{len(got)} items")

    def only_properties(*names):
        def expect(item, stored):
            problems = []
            if item.get("properties") != {k: stored["properties"][k] for k in names}:
                problems.append(f"properties {item.get('properties')}, expected only {list(names)}")
            for member in ("geometry", "assets", "bbox"):
                if member in item:
                    problems.append(f"'{member}' was not asked for")
            return problems
        return expect

    def without(*members, default_set):
        def expect(item, stored):
            problems = [f"'{m}' was excluded" for m in members if m in item]
            kept = ["id", "links"] + [m for m in ("geometry", "bbox", "assets") if m not in members]
            problems += [f"'{m}' is missing" for m in kept if m not in item]
            props = item.get("properties", {})
            if default_set:
                # The default set keeps properties.datetime only.
                if props.get("datetime") != stored["properties"]["datetime"] or "eo:cloud_cover" in props:
                    problems.append(f"properties {props} are not the default set")
            elif props != stored["properties"]:
                problems.append("properties differ from the stored item")
            return problems
        return expect

    for method in ("GET", "POST"):
        c.run(f"fields include properties.eo:cloud_cover,properties.platform {method}", lambda n, m=method: fields_check(
            n, m, ["properties.eo:cloud_cover", "properties.platform"], only_properties("eo:cloud_cover", "platform")))
    # In POST, an empty include means the default set (what pystac-client sends for "-geometry");
    # without include, everything but the excluded fields.
    c.run("fields -geometry POST (empty include: default set)", lambda n: fields_check(
        n, "POST", ["-geometry"], without("geometry", default_set=True)))
    c.run("fields {exclude: [geometry, assets]} POST (no include: everything else)", lambda n: fields_check(
        n, "POST", {"exclude": ["geometry", "assets"]}, without("geometry", "assets", default_set=False)))

    # paging: small pages, every page through the next links
    def paging(name, method, expected, order, **params):
        search = client.search(method=method, **params)
        pages = list(search.pages_as_dicts())
        got = [f for p in pages for f in p["features"]]
        problems = c.compare_ids(got, expected)
        limit = params["limit"]
        want_pages = math.ceil(len(expected) / limit)
        if len(pages) != want_pages or any(len(p["features"]) > limit for p in pages):
            problems.append(f"{len(pages)} pages of {[len(p['features']) for p in pages]}, expected {want_pages} of at most {limit}")
        if want_pages <= 3:
            problems.append("the check is too small: it should page more than three times")
        if not problems:
            got_keys = [order(c.by_id[c.key(i)]) for i in got]
            if got_keys != sorted(got_keys):
                problems.append("the pages are not in order")
        c.report(name, problems, f"{len(got)} items in {len(pages)} pages")

    a_items = [i for i in items if i["collection"] == first]
    c.run(f"paging {first} by the default order (datetime desc), limit 7, GET", lambda n: paging(
        n, "GET", a_items, lambda i: (-epoch(i["properties"]["datetime"]),),
        collections=[first], limit=7))
    cloudy = {"op": "<", "args": [{"property": "eo:cloud_cover"}, 60]}
    c.run("paging eo:cloud_cover < 60 sorted by id, limit 5, POST", lambda n: paging(
        n, "POST", [i for i in items if evaluate(cloudy, i)], lambda i: (i["id"], i["collection"]),
        filter=cloudy, filter_lang="cql2-json", sortby="+id,+collection", limit=5))
    c.run("paging everything, limit 11, GET", lambda n: paging(
        n, "GET", items, lambda i: (i["collection"], i["id"]), sortby="+collection,+id", limit=11))

    def hydrate(name):
        got = list(client.search(collections=[first], max_items=12, limit=4).items())
        problems = [f"{i.id}: {i.properties} differs" for i in got
                    if i.properties != c.by_id[(first, i.id)]["properties"]]
        c.report(name, problems + ([] if len(got) == 12 else [f"{len(got)} items, expected 12 (max_items)"]),
                 f"{len(got)} pystac Items")

    c.run("pystac Items from search, max_items 12", hydrate)

    print(f"pystac-client: {c.passed + c.failed} checks, {c.failed} mismatched")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
