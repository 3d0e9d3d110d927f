"""An S3-compatible server (moto's server mode) on 127.0.0.1, started by the tests that need one."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

BUCKET = "saferhub-test"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def moto_server() -> Iterator[str]:
    """Start moto on a free loopback port with one bucket; yield a function-free URL prefix
    (``s3://bucket`` plus the endpoint options) to which callers add ``/<prefix>``."""
    from moto.server import ThreadedMotoServer
    from pyarrow import fs

    saved = {k: os.environ.get(k) for k in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        s3 = fs.S3FileSystem(endpoint_override=f"127.0.0.1:{port}", scheme="http", allow_bucket_creation=True)
        s3.create_dir(BUCKET)
        yield f"127.0.0.1:{port}"
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def s3_url(endpoint: str, prefix: str | None = None) -> str:
    """A fresh prefix in the test bucket, as a record store URL."""
    return f"s3://{BUCKET}/{prefix or uuid.uuid4().hex}?endpoint_override={endpoint}&scheme=http"
