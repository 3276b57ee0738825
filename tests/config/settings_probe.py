"""Build the settings in a fresh process from a given environment and read them back as JSON.

The settings module reads the environment once, at import: a subprocess with a clean
environment (no `.env`, none of the portal's variables but those given) is the only honest way
to see what a deployment's variables produce.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PORTAL_PREFIXES = ("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_", "ACCOUNT_", "S3_", "AWS_")

_PRINT_SETTINGS = """
import json
from django.conf import settings


def plain(value):
    options = getattr(value, "_user_provided_options", None)
    if options is not None:  # botocore.config.Config
        return {{"botocore.Config": options}}
    return str(value)


names = {names!r}
print(json.dumps({{name: getattr(settings, name, None) for name in names}}, default=plain))
"""


def run_manage(*args, **env) -> subprocess.CompletedProcess:
    """`manage.py ARGS` in a fresh process with only the given portal variables."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith(PORTAL_PREFIXES)}
    clean.pop("PYTHONWARNINGS", None)
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env={**clean, "DJANGO_READ_DOTENV": "false", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def shell_with_env(code, **env) -> str:
    """What `code` prints when run by `manage.py shell` in a fresh process (debug on unless
    given); fails the test with the process's error output when it fails."""
    env = {"DJANGO_DEBUG": "true", **env}
    result = run_manage("shell", "--no-imports", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def settings_with_env(names, **env) -> dict:
    """The settings `names` as built from `env` (debug on unless given), read back as JSON."""
    output = shell_with_env(_PRINT_SETTINGS.format(names=list(names)), **env)
    return json.loads(output.strip().splitlines()[-1])
