"""Puljeassistenten: cited answers about the Danish upskilling pool for daycare."""

__version__ = "0.1.0"
