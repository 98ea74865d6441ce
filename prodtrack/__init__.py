"""prodtrack: a production tracker speaking Zou's REST API."""

__version__ = "0.1.0"
