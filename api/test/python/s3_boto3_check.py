"""boto3 against Meridian's S3 endpoint, run by api/test/s3-cli.test.ts.

Usage: python3 s3_boto3_check.py ENDPOINT BUCKET PREFIX WORKDIR
(credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment).

Each step asserts what S3 would answer and the script prints one JSON line of
what it saw, for the test to check further; any failure exits non-zero.
"""
import hashlib
import json
import os
import sys

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

endpoint, bucket, prefix, workdir = sys.argv[1:5]
s3 = boto3.client(
    "s3",
    endpoint_url=endpoint,
    region_name="eu-west-2",  # any region: the proxy reads it from the signature's scope
    config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
)
seen = {}

# put_object and get_object with a range
body = b"boto3 was here: " + bytes(range(256))
put = s3.put_object(Bucket=bucket, Key=f"{prefix}put.bin", Body=body)
assert put["ETag"].startswith('"'), put["ETag"]
seen["put_checksum_crc32"] = put.get("ChecksumCRC32")
ranged = s3.get_object(Bucket=bucket, Key=f"{prefix}put.bin", Range="bytes=6-8")
assert ranged["Body"].read() == b"was", "ranged read"
assert ranged["ContentRange"] == "bytes 6-8/%d" % len(body), ranged["ContentRange"]
head = s3.head_object(Bucket=bucket, Key=f"{prefix}put.bin")
assert head["ContentLength"] == len(body)
assert head["ETag"] == put["ETag"], (head["ETag"], put["ETag"])

# a key needing encoding
odd = f"{prefix}odd name + ünï~.txt"
s3.put_object(Bucket=bucket, Key=odd, Body=b"odd")
assert s3.get_object(Bucket=bucket, Key=odd)["Body"].read() == b"odd"

# list with the paginator, small pages
for i in range(7):
    s3.put_object(Bucket=bucket, Key=f"{prefix}paged/{i:02d}.txt", Body=str(i).encode())
keys, pages = [], 0
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{prefix}paged/", PaginationConfig={"PageSize": 3}):
    keys += [o["Key"] for o in page.get("Contents", [])]
    pages += 1
assert keys == [f"{prefix}paged/{i:02d}.txt" for i in range(7)], keys
assert pages == 3, pages
seen["pages"] = pages

# upload_file: multipart with a small TransferConfig, then download_file
path = os.path.join(workdir, "big.bin")
with open(path, "wb") as f:
    f.write(os.urandom(12 * 1024 * 1024 + 777))
config = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024, max_concurrency=2)
s3.upload_file(path, bucket, f"{prefix}big.bin", Config=config)
big_head = s3.head_object(Bucket=bucket, Key=f"{prefix}big.bin")
assert big_head["ETag"].endswith('-3"'), big_head["ETag"]
back = os.path.join(workdir, "big.back")
s3.download_file(bucket, f"{prefix}big.bin", back, Config=config)
with open(path, "rb") as a, open(back, "rb") as b:
    assert hashlib.sha256(a.read()).digest() == hashlib.sha256(b.read()).digest(), "downloaded bytes differ"
seen["multipart_etag"] = big_head["ETag"]

# delete_objects, with one key outside the repository the key may write
deleted = s3.delete_objects(
    Bucket=bucket,
    Delete={"Objects": [{"Key": f"{prefix}paged/{i:02d}.txt"} for i in range(3)] + [{"Key": "no-such-repository/x.txt"}]},
)
seen["deleted"] = sorted(d["Key"] for d in deleted.get("Deleted", []))
seen["errors"] = [[e["Key"], e["Code"]] for e in deleted.get("Errors", [])]
left = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=f"{prefix}paged/").get("Contents", [])]
assert left == [f"{prefix}paged/{i:02d}.txt" for i in range(3, 7)], left

# a refusal boto3 understands
try:
    s3.get_object(Bucket=bucket, Key=f"{prefix}missing.txt")
    raise AssertionError("a missing key was found")
except s3.exceptions.NoSuchKey:
    seen["missing"] = "NoSuchKey"

print(json.dumps(seen))
