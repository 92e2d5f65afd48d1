"""Articles in, facts with evidence out: read → clean → sentences → mentions → entities → facts."""

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())
