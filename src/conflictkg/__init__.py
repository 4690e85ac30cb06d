"""conflictkg: a knowledge graph of armed-conflict actors and events from human-rights reports."""

__version__ = "0.1.0"
