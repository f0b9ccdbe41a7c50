"""An operator's own classifier over HTTP, for what no offline model covers (graphic
violence): an interface and a client for endpoints compatible with OpenAI's moderation API."""
