"""Base model and shared field types."""

import secrets

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


def public_code() -> str:
    """An unguessable public id for QR codes and resident-facing URLs."""
    return secrets.token_urlsafe(12)
