"""Funnels and A/B splits from the engine's own events (flow_events), jobs and the ledger."""
