"""保修台 Warranty Desk — the core. Importable without Qt."""

__version__ = "0.1.0"
