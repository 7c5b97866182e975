from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .models import User


class UsernameOrPhoneBackend(ModelBackend):
    """Log in with the username or the registered mobile phone number."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        username = username.strip()
        user = User.objects.filter(username=username).first()
        if user is None and username.isdigit() and len(username) == 11:
            user = User.objects.with_phone(username).first()
        if user is None:
            User().set_password(password)  # same time cost as a real check
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
