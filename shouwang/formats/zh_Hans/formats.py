"""Simplified Chinese as Django formats it, but figures grouped by three with a comma
(178,260; 37,500.00), as government statistics and receipts write them — Django's
zh_Hans leaves them ungrouped. Grouping applies where a template asks for it
(``intcomma``, ``floatformat:"2g"``): never in form inputs or spreadsheet cells."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
