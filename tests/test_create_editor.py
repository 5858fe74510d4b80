"""`manage.py create_editor`: a staff account in the Editors group, in one command."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def create_editor(*args, **options):
    call_command("create_editor", *args, stdout=options.pop("stdout", None), **options)


def test_create_editor_makes_a_staff_account_in_the_editors_group(monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", PASSWORD)

    create_editor("amy", "--email", "amy@example.org", "--no-input")

    amy = User.objects.get(username="amy")
    assert amy.is_staff
    assert not amy.is_superuser
    assert list(amy.groups.values_list("name", flat=True)) == ["Editors"]
    assert amy.check_password(PASSWORD)
    assert amy.email == "amy@example.org"


def test_create_editor_asks_for_the_password_twice(monkeypatch):
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))

    create_editor("amy")

    assert User.objects.get(username="amy").check_password(PASSWORD)


def test_an_editor_created_without_a_password_is_told_how_to_set_one(monkeypatch, capsys):
    monkeypatch.delenv("DJANGO_EDITOR_PASSWORD", raising=False)

    create_editor("amy", "--no-input")

    assert not User.objects.get(username="amy").has_usable_password()
    assert "manage.py changepassword amy" in capsys.readouterr().out


def test_create_editor_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "12345678")

    with pytest.raises(CommandError, match="too common"):
        create_editor("amy", "--no-input")
    assert not User.objects.filter(username="amy").exists()


def test_create_editor_makes_an_existing_account_an_editor_and_keeps_its_password():
    User.objects.create_user("amy", password=PASSWORD)

    create_editor("amy", "--no-input")

    amy = User.objects.get(username="amy")
    assert amy.is_staff
    assert amy.groups.filter(name="Editors").exists()
    assert amy.check_password(PASSWORD)
