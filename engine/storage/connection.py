"""The connection a statement runs on: one opened alone, or one lent by a pool.

asyncpg hands out pool connections as proxies (``async with pool.acquire()``), a different
class from ``asyncpg.Connection`` with the same query methods; code that only runs
statements takes either.
"""

from __future__ import annotations

from typing import TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

Connection: TypeAlias = asyncpg.Connection | PoolConnectionProxy
