from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .models import User


class UsernameOrPhoneBackend(ModelBackend):
    """Log in with the username or the registered mobile phone number."""

    @staticmethod
    def find_user(identifier: str) -> User | None:
        """The account a login name designates: a username, else an 11-digit mobile."""
        identifier = identifier.strip()
        if not identifier:
            return None
        user = User.objects.filter(username=identifier).first()
        if user is None and identifier.isdigit() and len(identifier) == 11:
            user = User.objects.with_phone(identifier).first()
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
