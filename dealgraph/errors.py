"""The few exceptions dealgraph raises; each message says what went wrong, where, and what to do."""

from __future__ import annotations

__all__ = ["DealgraphError", "InputError", "StoreError", "StoreBusyError", "QueryError", "EntityNotFound"]


class DealgraphError(Exception):
    """Root of every dealgraph error: catch this to handle them all."""


class InputError(DealgraphError):
    """An article cannot be read: empty, binary, undecodable, too large, or no article text in it."""


class StoreError(DealgraphError):
    """The store cannot be opened, read or written."""


class StoreBusyError(StoreError):
    """Another process holds the store for writing."""


class QueryError(DealgraphError):
    """A SPARQL query is malformed or asks for something refused (SERVICE, LOAD, remote FROM)."""


class EntityNotFound(DealgraphError):
    """No entity has the name asked for."""
