"""Password guessing is limited per account and per address, and cheap to refuse."""

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.test import Client

from partnerships import settings as production_settings
from partnerships.login_protection import ModestArgon2PasswordHasher

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)


def log_in(username, password, address="10.0.0.1", **headers):
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password}, headers=headers)
    return response


def signed_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_the_right_password_signs_in(editor):
    assert signed_in(log_in("editor", PASSWORD))


def test_a_wrong_password_is_refused_with_the_usual_form(editor):
    response = log_in("editor", "wrong")
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.text


def test_after_five_failures_an_account_is_locked_even_for_the_right_password(editor):
    assert [log_in("editor", "wrong").status_code for _ in range(5)] == [200] * 4 + [429]
    response = log_in("editor", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.text
    assert "ask an administrator to unlock" in response.text


def test_an_account_is_locked_whatever_address_the_guesses_come_from(editor):
    for n in range(5):
        log_in("editor", "wrong", address=f"10.0.1.{n}")
    assert log_in("editor", PASSWORD, address="10.0.2.1").status_code == 429


def test_an_address_is_locked_whatever_accounts_it_tries(editor):
    for n in range(5):
        log_in(f"guess-{n}", "wrong", address="10.0.3.1")
    assert log_in("editor", PASSWORD, address="10.0.3.1").status_code == 429
    assert signed_in(log_in("editor", PASSWORD, address="10.0.3.2"))


def test_an_administrator_unlocks_from_the_admin(editor, admin_client):
    for _ in range(5):
        log_in("editor", "wrong")
    assert log_in("editor", PASSWORD).status_code == 429

    changelist = admin_client.get("/admin/axes/accessattempt/")
    assert changelist.status_code == 200 and "editor" in changelist.text
    attempts = AccessAttempt.objects.values_list("pk", flat=True)
    admin_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": list(attempts), "post": "yes"},
    )
    assert not AccessAttempt.objects.exists()
    assert signed_in(log_in("editor", PASSWORD))


def test_a_forged_forwarded_for_is_ignored_without_a_proxy(editor, settings):
    settings.BEHIND_PROXY = False
    for n in range(5):
        log_in(f"guess-{n}", "wrong", **{"x-forwarded-for": f"192.0.2.{n}"})
    assert log_in("other", "wrong", **{"x-forwarded-for": "192.0.2.99"}).status_code == 429


def test_behind_the_proxy_each_reader_is_counted_by_the_address_it_forwards(editor, settings):
    settings.BEHIND_PROXY = True
    for n in range(5):
        log_in(f"guess-{n}", "wrong", address="127.0.0.1", **{"x-forwarded-for": "192.0.2.7"})
    locked = log_in("other", "wrong", address="127.0.0.1", **{"x-forwarded-for": "192.0.2.7"})
    assert locked.status_code == 429
    other_reader = log_in(
        "editor", PASSWORD, address="127.0.0.1", **{"x-forwarded-for": "192.0.2.8"}
    )
    assert signed_in(other_reader)


def test_production_hashes_passwords_with_a_modest_argon2id():
    assert production_settings.PASSWORD_HASHERS[0].endswith("ModestArgon2PasswordHasher")
    hasher = ModestArgon2PasswordHasher()
    encoded = hasher.encode(PASSWORD, hasher.salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify(PASSWORD, encoded) and not hasher.verify("wrong", encoded)


def test_checking_a_password_costs_well_under_a_tenth_of_a_second_of_cpu():
    hasher = ModestArgon2PasswordHasher()
    encoded = hasher.encode(PASSWORD, hasher.salt())
    start = time.process_time()
    for _ in range(5):
        hasher.verify("wrong", encoded)
    assert (time.process_time() - start) / 5 < 0.1


def test_older_hashes_still_verify_and_are_upgraded(settings, django_user_model):
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    user = django_user_model.objects.create_user("old")
    user.password = get_hasher("pbkdf2_sha256").encode(PASSWORD, "somesalt", iterations=1000)
    user.save()
    assert user.check_password(PASSWORD)
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
