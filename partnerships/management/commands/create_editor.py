"""Create an editor: a staff account in the Editors group, which curates records only."""

import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError
from django.db import transaction

EDITORS = "Editors"
PASSWORD_VARIABLE = "DJANGO_EDITOR_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create a staff account in the Editors group (or make an existing account an editor). "
        f"Asks for the password, or reads it from {PASSWORD_VARIABLE} with --no-input."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help=f"Do not prompt; take the password from {PASSWORD_VARIABLE} if set.",
        )

    def handle(self, *args, username, email, interactive, **options):
        try:
            editors = Group.objects.get(name=EDITORS)
        except Group.DoesNotExist:
            raise CommandError(
                "There is no Editors group yet: run `manage.py migrate` first."
            ) from None
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            user = User(username=username, email=email)
            password = self.password(user, interactive)
            if password is None:
                user.set_unusable_password()
            else:
                user.set_password(password)
        user.is_staff = True
        with transaction.atomic():
            user.save()
            user.groups.add(editors)

        if created:
            self.stdout.write(self.style.SUCCESS(f"Created editor “{username}”."))
            if not user.has_usable_password():
                self.stdout.write(
                    f"It has no password yet: set one with `manage.py changepassword {username}`."
                )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"“{username}” already existed; it is now an editor.")
            )

    def password(self, user, interactive):
        if not interactive:
            password = os.environ.get(PASSWORD_VARIABLE)
            if password:
                self.validate(password, user)
            return password or None
        if not sys.stdin.isatty():
            raise CommandError(
                "There is no terminal to ask for the password. Run with --no-input and the "
                f"password in {PASSWORD_VARIABLE}, or without it to set one later with "
                "`manage.py changepassword`."
            )
        while True:
            password = getpass.getpass("Password: ")
            if not password:
                self.stderr.write("Enter a password.")
                continue
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ; try again.")
                continue
            try:
                self.validate(password, user)
            except CommandError as error:
                self.stderr.write(str(error))
                continue
            return password

    def validate(self, password, user):
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
