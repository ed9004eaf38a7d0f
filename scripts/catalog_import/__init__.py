"""The tables and steps of ``scripts/import_reference_catalog.py``, one concern per module.

The tables (menu, texts, field conversion, per-model adjustments, prices) are what editors
change; the steps (model, overlay, shared texts, YAML) turn them into ``models/*.yaml``.
"""
