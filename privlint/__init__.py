"""privlint: lint the privilege handover between a Dockerfile and its entrypoint script."""

__version__ = "0.1.0"
__url__ = "https://github.com/privlint/privlint"
