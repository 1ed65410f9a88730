from zhicheng.review.tests.conftest import *  # noqa: F403
