"""Shared contracts: the tidy table, release ids and the release manifest (see docs/contracts.md)."""
