"""One module per page: its layout skeleton; its panels are filled by ``callbacks``."""
