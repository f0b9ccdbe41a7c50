"""The moderators' console: server-rendered pages (Jinja2, a little plain JS, no build step)
over the same domain services as the API."""
