"""Operator tools that talk to the outside: geocoding operations with the national address base."""
