"""The wheel also carries the files a new line starts from, for ``ivr init``.

They are the checkout's own (the live call flow, the WSGI entry points, gunicorn's
settings with the phone-number filter on its logs, the Procfile), copied into the built
package as ``ivr/starter/`` so there is one copy of each in the repository. Everything
else about the package is in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

#: What ``ivr init`` writes (ivr/cli/starting.py), besides the JSON Schema it makes.
STARTER_FILES = ("call_flows.yaml", "app.py", "gunicorn.conf.py", "Procfile")


class WithStarterFiles(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "ivr" / "starter"
        self.mkpath(str(target))
        for name in STARTER_FILES:
            self.copy_file(name, str(target / name))


setup(cmdclass={"build_py": WithStarterFiles})
