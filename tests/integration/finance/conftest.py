from tests.integration.delivery.fixtures import *  # noqa: F403
