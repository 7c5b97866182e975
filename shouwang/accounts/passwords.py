"""Password policy pieces Django does not say in Chinese.

Django 5.2 changed the minimum-length message, and its zh_Hans catalogue still
translates the old wording only, so the stock validator speaks English here.
"""

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"
