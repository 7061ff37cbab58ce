"""dialogframe: a configuration-driven dialog framework."""
__version__ = "0.1.0"
