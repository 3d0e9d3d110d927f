from tests.integration.delivery.fixtures import *  # noqa: F403
from tests.integration.finance.money_world import *  # noqa: F403
