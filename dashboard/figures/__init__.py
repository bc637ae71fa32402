"""Pure figure builders: data in, ``go.Figure`` out, no Dash."""
