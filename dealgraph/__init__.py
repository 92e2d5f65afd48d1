"""dealgraph: follow the money in the AI industry.

News articles (Chinese, traditional and simplified, and English) in; a knowledge graph of funding rounds,
valuations, purchases, partnerships and control out, every fact with its evidence.
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"
__all__ = ["KnowledgeGraph", "__version__"]

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str):  # lazy: ``import dealgraph`` stays cheap for the CLI
    if name == "KnowledgeGraph":
        from dealgraph.api import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(name)
