"""Start-up hook of the Python processes the test suite starts: the suite's offline guard.

``tests/conftest.py`` puts this directory first on ``PYTHONPATH`` and sets
``PLCHECK_TEST_OFFLINE=1``; ``site`` then imports this module when a child Python starts, and
it installs the guard of ``tests/support/offline.py`` (one module for both, loaded by its
path so the child's ``sys.path`` gains nothing else). It shadows any other
``sitecustomize`` (e.g. a distribution's apport hook), which test children do not need.
"""

import os

if os.environ.get("PLCHECK_TEST_OFFLINE") == "1":
    import importlib.util

    _path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "offline.py")
    _spec = importlib.util.spec_from_file_location("_plcheck_test_offline", _path)
    if _spec is None or _spec.loader is None:
        raise ImportError(f"the suite's offline guard is missing: {_path}")
    _guard = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_guard)
    _guard.install()
