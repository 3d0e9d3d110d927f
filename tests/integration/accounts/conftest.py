from tests.integration.finance.money_world import *  # noqa: F403
