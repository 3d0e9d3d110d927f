import pytest

from tests.s3server import moto_server


@pytest.fixture(scope="package")
def s3_endpoint():
    """moto's S3 server on 127.0.0.1, once for the record store's tests."""
    with moto_server() as endpoint:
        yield endpoint
