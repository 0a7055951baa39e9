"""The pool's rules as code: parameters as data (parameters.yaml) and small rule functions."""
