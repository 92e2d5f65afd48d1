"""Facts to RDF named graphs, the embedded Oxigraph store, the networkx view and the questions asked of it."""

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())
