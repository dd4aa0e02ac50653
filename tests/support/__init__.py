"""Helpers and factories the tests share, imported as ``tests.support.<module>``.

conftest files hold fixtures only, each a thin call of a factory here, so a helper has one home whatever
test directory uses it, and no test imports from a conftest.
"""
