"""Forms generated from a model's input schema: steps, validation, summary, submit."""
