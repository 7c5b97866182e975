from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from shouwang.core.text import mobile_in

from .models import User


class UsernameOrPhoneBackend(ModelBackend):
    """Log in with the username or the registered mobile phone number."""

    @staticmethod
    def find_user(identifier: str) -> User | None:
        """The account a login name designates: a username (in any letter case), else
        an 11-digit mobile typed as the account form takes it (full-width digits, spaces,
        dashes)."""
        identifier = identifier.strip()
        if not identifier:
            return None
        user = User.objects.filter(username=identifier).first()
        if user is None:
            # Usernames differ by more than letter case (a form typed "Staff_A" or with
            # caps lock on is staff_a); two older accounts that do not are neither taken.
            same = list(User.objects.filter(username__iexact=identifier)[:2])
            user = same[0] if len(same) == 1 else None
        phone = mobile_in(identifier)
        if user is None and phone:
            user = User.objects.with_phone(phone).first()
        return user

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        user = self.find_user(username)
        if user is None:
            User().set_password(password)  # same time cost as a real check
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
