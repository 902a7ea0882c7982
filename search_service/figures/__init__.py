"""The Trigger Atlas body figure (body.svg) and the code that renders it into pages."""
