"""The dealgraph vocabulary: the Turtle ontology, its SHACL shapes, the entity table and the closed ``DG`` namespace."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from dealgraph.ontology.namespace import DG, DOC, ID

__all__ = ["DG", "DOC", "ID", "ontology_path", "shapes_path", "entity_table_path"]

logging.getLogger(__name__).addHandler(logging.NullHandler())


def _data(name: str) -> Path:
    return Path(str(resources.files(__name__).joinpath(name)))


def ontology_path() -> Path:
    """Path of ``dealgraph.ttl``, the ontology."""
    return _data("dealgraph.ttl")


def shapes_path() -> Path:
    """Path of ``shapes.ttl``, the SHACL shapes for fact nodes."""
    return _data("shapes.ttl")


def entity_table_path() -> Path:
    """Path of ``entities.tsv``, the curated entity table."""
    return _data("entities.tsv")
