"""Flask routes and hooks beside Dash: open data, embeds, previews, redirects, security, serving."""
