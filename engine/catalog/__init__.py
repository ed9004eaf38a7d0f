"""Catalog tooling beside the schema: pricing in Kie.ai credits and the ``catalog`` listing."""
