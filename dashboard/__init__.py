"""Cœur de Ville: a dashboard of Clésence's Action Cœur de Ville housing operations."""
