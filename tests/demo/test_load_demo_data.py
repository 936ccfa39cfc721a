import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from demo.management.commands.load_demo_data import Command

pytestmark = pytest.mark.django_db


def test_load_demo_data_refuses_with_debug_off_and_says_why(settings, capsys):
    settings.DEBUG = False

    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "load_demo_data"])

    err = capsys.readouterr().err
    assert exited.value.code == 1
    assert "Demo-Daten werden mit DEBUG=0 nicht geladen" in err
    assert "--allow-production" in err
    assert get_user_model().objects.count() == 0


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
