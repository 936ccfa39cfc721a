import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


def test_load_demo_data_refuses_with_debug_off_and_says_why(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 50, "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("REDIS_URL", None)

    result = subprocess.run(
        [sys.executable, str(MANAGE), "load_demo_data"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )

    assert result.returncode == 1
    assert "Demo-Daten werden mit DEBUG=0 nicht geladen" in result.stderr
    assert "--allow-production" in result.stderr
    assert "Demo-Daten geladen." not in result.stdout
    assert not database.exists() or database.stat().st_size == 0


def test_load_demo_data_with_debug_off_raises_command_error_and_creates_nobody(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--allow-production"):
        call_command("load_demo_data")

    assert get_user_model().objects.filter(is_superuser=True).count() == 0


def test_load_demo_data_with_debug_off_and_the_flag_loads(settings, capsys):
    settings.DEBUG = False

    call_command("load_demo_data", "--allow-production")

    assert "Demo-Daten geladen." in capsys.readouterr().out
    assert get_user_model().objects.filter(email="admin@example.org", is_superuser=True).count() == 1


def test_load_demo_data_with_debug_on_loads_without_the_flag(settings, capsys):
    settings.DEBUG = True

    call_command("load_demo_data")

    assert "Demo-Daten geladen." in capsys.readouterr().out
    assert get_user_model().objects.filter(email="admin@example.org", is_superuser=True).count() == 1
