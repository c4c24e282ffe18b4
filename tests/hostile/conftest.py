"""The hostile suite's fixtures. They are defined in ``hostilekit`` beside the helpers they use; pytest finds
fixtures only by their names in a conftest, hence these imports.

Test modules import helpers from ``hostilekit``, never from ``conftest``: every folder of ``tests/`` has a
conftest.py, and ``import conftest`` inside a test gives whichever of them pytest loaded last (CI failed on
exactly that under xdist).
"""

from hostilekit import background, prebuilt, secret, server, shared_batch, shared_html_batch, ws  # noqa: F401
