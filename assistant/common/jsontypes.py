"""Field types that take a value only in its JSON form, for the API's request models.

FastAPI validates a request body as Python objects in pydantic's lax mode, which reads
``0`` as the date 1970-01-01 and ``true`` or ``"100"`` as an amount. These types accept
what their JSON Schema states and nothing else.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import BeforeValidator, Strict
from pydantic_core import PydanticCustomError

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: object) -> object:
    """A date only as the string YYYY-MM-DD (JSON Schema's ``format: date``): not a number
    of seconds, not a date with a time, not "20261123" (which ``date.fromisoformat`` reads).

    >>> _iso_date("2026-11-23")
    datetime.date(2026, 11, 23)
    """
    if isinstance(value, dt.date):  # a default, or a value set in code
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("date_type", "Input should be a date string")
    if not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_parsing", "Input should be YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:  # 2026-02-30
        raise PydanticCustomError("date_parsing", "Input should be a valid date") from None


# Strict after the string is read: pydantic then takes only the date made above.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date), Strict()]
# A JSON number (an integer is one too); not a boolean and not a numeric string.
Amount = Annotated[float, Strict()]
