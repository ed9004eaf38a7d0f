"""Generations: confirmed forms become Kie.ai jobs, paid, polled, delivered — durably."""
