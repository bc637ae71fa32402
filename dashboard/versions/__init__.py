"""Which version of the data is served, the same for every worker and instance of a host."""
