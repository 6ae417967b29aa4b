"""Entity resolution: one canonical entity per real-world thing, across articles and languages.

``EntityResolver`` works on articles in memory and carries its state in
``(Entity, state)`` rows; ``resolve_store`` runs it over a store incrementally.
"""

from rashomon.entities.resolver import VERSION, EntityResolver, compatible_labels, resolve_store

__all__ = ["VERSION", "EntityResolver", "compatible_labels", "resolve_store"]
