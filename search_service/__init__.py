"""Trigger Atlas: the article site's build, its symptom search and the service that serves both."""

__version__ = "0.1.0"
