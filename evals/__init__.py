"""Evaluation of Puljeassistenten: retrieval, rules extraction and answers."""
