"""Pure computations on a dataset: chronology, analysis, search, the view a URL describes, French formatting.

Imports only dashboard.data and dashboard.settings."""
