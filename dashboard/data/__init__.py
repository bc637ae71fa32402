"""The data layer: the contract (schema), reading and validating the files, the dataset, commune geography.

Imports nothing above it (the layers contract in pyproject.toml, checked by import-linter)."""
