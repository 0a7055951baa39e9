"""The evals as commands of the ``pulje`` CLI, found through the ``pulje.commands`` entry
point (pyproject.toml): the CLI discovers them, so the library never imports the evals.

Registering is cheap; the suite and its models are imported only when the command runs.
"""

from __future__ import annotations

import argparse


def _eval(argv: list[str]) -> int:
    from evals.suite import main

    return main(argv)


def register_eval(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``pulje eval``: the eval suite with its own options (``pulje eval --help``)."""
    parser = sub.add_parser("eval", help="kør eval-suiten på guldsættet (pulje eval --help)",
                            add_help=False)
    parser.set_defaults(passthrough=_eval)
